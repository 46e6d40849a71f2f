// A dependency-free horizontal grouped bar chart (one group per primitive/op/size, one bar per implementation).

export interface Bar {
  group: string;
  impl: string;
  value: number;
}

const COLORS: Record<string, string> = {
  sanstls: '#2b8a3e',
  'node:crypto': '#495057',
  noble: '#1971c2',
  'hash-wasm': '#e67700',
  'node-forge': '#c2255c',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface ChartOptions {
  /** Colours by implementation (added to the defaults above). */
  colors?: Record<string, string>;
  /** Width of the group-label column (default 210). */
  left?: number;
  /** Width of a legend entry (default 120). */
  legendStep?: number;
  /** Digits after the point on the bar labels (default 0). */
  digits?: number;
}

const PALETTE = ['#2b8a3e', '#1971c2', '#e67700', '#c2255c', '#5f3dc4', '#0c8599', '#495057'];

/** Bars on a log10 scale (throughputs span three orders of magnitude). */
export function barChart(title: string, unit: string, bars: Bar[], options: ChartOptions = {}): string {
  const groups = [...new Set(bars.map((b) => b.group))];
  const impls = [...new Set(bars.map((b) => b.impl))];
  const colors: Record<string, string> = { ...COLORS, ...options.colors };
  impls.forEach((impl, i) => (colors[impl] ??= PALETTE[i % PALETTE.length]!));
  const COLOR = (impl: string) => colors[impl] ?? '#868e96';
  const digits = options.digits ?? 0;
  const barH = 11;
  const gap = 10;
  const left = options.left ?? 210;
  const legendStep = options.legendStep ?? 120;
  const width = 900;
  const plotW = width - left - 90;
  const rowsH = groups.map((g) => bars.filter((b) => b.group === g).length * barH + gap);
  const top = 50;
  const height = top + rowsH.reduce((a, b) => a + b, 0) + 30;
  const max = Math.max(...bars.map((b) => b.value));
  const lo = 1;
  const hi = 10 ** Math.ceil(Math.log10(max));
  const x = (v: number) => left + (plotW * Math.log10(Math.max(v, lo) / lo)) / Math.log10(hi / lo);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  impls.forEach((impl, i) => {
    const lx = left + i * legendStep;
    out.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${COLOR(impl)}"/>`);
    out.push(`<text x="${lx + 14}" y="37">${esc(impl)}</text>`);
  });
  for (let d = lo; d <= hi; d *= 10) {
    const gx = x(d);
    out.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 26}" stroke="#dee2e6"/>`);
    out.push(`<text x="${gx}" y="${height - 12}" text-anchor="middle" fill="#495057">${d} ${esc(unit)}</text>`);
  }
  let y = top;
  groups.forEach((g, gi) => {
    const gb = bars.filter((b) => b.group === g);
    out.push(`<text x="${left - 8}" y="${y + (gb.length * barH) / 2 + 4}" text-anchor="end">${esc(g)}</text>`);
    for (const b of gb) {
      const w = Math.max(1, x(b.value) - left);
      out.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLOR(b.impl)}"/>`);
      out.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 3}" fill="#212529">${b.value.toFixed(digits)}</text>`);
      y += barH;
    }
    y += gap;
    void gi;
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
