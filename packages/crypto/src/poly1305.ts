// Poly1305 one-time authenticator (RFC 8439 §2.5) over asm/poly1305.ts.
import { SCRATCH_SIZE, WasmHandle, aux, heap, scratch, wasm } from './wasm.js';

const TAG = 16;

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new RangeError('poly1305: key must be 32 bytes');
}

/** Feeds data to the context at ctx through the scratch region. */
function absorb(ctx: number, data: Uint8Array): void {
  const e = wasm();
  const m = heap();
  const sp = scratch();
  for (let o = 0; o < data.length; o += SCRATCH_SIZE) {
    const n = Math.min(SCRATCH_SIZE, data.length - o);
    m.set(data.subarray(o, o + n), sp);
    e.poly_update(ctx, sp, n);
  }
  m.fill(0, sp, sp + Math.min(SCRATCH_SIZE, data.length));
}

/**
 * A streaming Poly1305. The key is one-time (r, s): `digest()` returns the tag and disposes the handle,
 * so a key cannot be used for a second message by mistake.
 */
export class Poly1305 extends WasmHandle {
  readonly outputLength = TAG;

  constructor(key: Uint8Array) {
    checkKey(key);
    super(wasm().poly_ctx_size());
    const m = heap();
    const kp = aux();
    m.set(key, kp);
    wasm().poly_init(this.ptr, kp);
    m.fill(0, kp, kp + 32);
  }

  update(data: Uint8Array): this {
    absorb(this.ptr, data);
    return this;
  }

  /** The 16-byte tag; the object is disposed afterwards. */
  digest(): Uint8Array {
    const tp = aux();
    wasm().poly_finish(this.ptr, tp);
    const tag = heap().slice(tp, tp + TAG);
    this.dispose();
    return tag;
  }
}

/** One-shot Poly1305 tag of msg under a 32-byte one-time key. */
export function poly1305(key: Uint8Array, msg: Uint8Array): Uint8Array {
  checkKey(key);
  const e = wasm();
  const m = heap();
  const ctx = aux();
  const kp = ctx + 512;
  if (e.poly_ctx_size() > 480) throw new Error('poly1305: aux region too small');
  m.set(key, kp);
  e.poly_init(ctx, kp);
  m.fill(0, kp, kp + 32);
  absorb(ctx, msg);
  e.poly_finish(ctx, kp); // wipes the context
  return m.slice(kp, kp + TAG);
}
