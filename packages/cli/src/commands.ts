// Interactive command letters on stdin, as openssl s_client / s_server have them: a line holding just one
// letter (R renegotiates, ...) is a command, everything else is data for the peer. OpenSSL looks at the
// first byte of each read(); this works on lines instead, so a command is recognised however the bytes of
// a pipe are cut, and data that merely starts with the letter ("Range: ...") is sent as it is.

export type StdinItem = { readonly kind: 'data'; readonly data: Buffer } | { readonly kind: 'command'; readonly letter: string };

export class CommandLines {
  /** The next byte starts a line. */
  private atLineStart = true;
  /** A command letter at the start of a line, and maybe its CR, waiting for the LF that makes it a command. */
  private held = '';

  /** `letters`: the command letters (each one character); empty turns commands off. */
  constructor(private readonly letters: string) {}

  /** Splits a chunk into data and commands, in order. At most two bytes are held back for the next chunk. */
  push(chunk: Buffer | string): StdinItem[] {
    const text = typeof chunk === 'string' ? Buffer.from(chunk).toString('latin1') : chunk.toString('latin1');
    const items: StdinItem[] = [];
    let data = '';
    for (const ch of text) {
      if (this.held.length > 0) {
        if (ch === '\n') {
          if (data.length > 0) items.push({ kind: 'data', data: Buffer.from(data, 'latin1') });
          data = '';
          items.push({ kind: 'command', letter: this.held[0]! });
          this.held = '';
          this.atLineStart = true;
          continue;
        }
        if (ch === '\r' && this.held.length === 1) {
          this.held += ch;
          continue;
        }
        data += this.held;
        this.held = '';
        this.atLineStart = false;
        // `ch` is looked at again below: it is data, not at the start of a line.
      }
      if (this.atLineStart && this.letters.includes(ch)) {
        this.held = ch;
        continue;
      }
      data += ch;
      this.atLineStart = ch === '\n';
    }
    if (data.length > 0) items.push({ kind: 'data', data: Buffer.from(data, 'latin1') });
    return items;
  }

  /** End of input: what was held back is data after all (a letter without its newline). */
  end(): Buffer | undefined {
    const rest = this.held;
    this.held = '';
    return rest.length > 0 ? Buffer.from(rest, 'latin1') : undefined;
  }
}
