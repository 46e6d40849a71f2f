// Cuts the byte stream from the transport at TLS record boundaries (a record is a 5-byte header whose last
// two bytes are the length of the body that follows). The session feeds the core one record at a time and
// stops as soon as plaintext comes out: what arrived after it (more data, or the peer's close_notify)
// waits in the queue until the reader asks for more. That is the backpressure unit, and it is what lets
// an application answer a request that arrived in the same TCP segment as the close_notify: the core
// answers close_notify at once and refuses writes after it (RFC 5246 §7.2.1), so it must not see the
// close_notify before the application has had its turn.

const HEADER = 5;

export class RecordQueue {
  private readonly pieces: Uint8Array[] = [];
  /** Header bytes of the record in progress (a header may be split across chunks). */
  private readonly header = new Uint8Array(HEADER);
  private headerFill = 0;
  /** Body bytes of the record in progress still to come. */
  private bodyLeft = 0;

  /** Appends bytes from the transport, cut so that each queued piece ends where a record ends (except the last). */
  push(chunk: Uint8Array): void {
    let start = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        i += take;
        this.bodyLeft -= take;
      } else {
        this.header[this.headerFill++] = chunk[i++]!;
        if (this.headerFill < HEADER) continue;
        this.headerFill = 0;
        this.bodyLeft = (this.header[3]! << 8) | this.header[4]!;
      }
      if (this.bodyLeft === 0 && this.headerFill === 0) {
        this.pieces.push(chunk.subarray(start, i));
        start = i;
      }
    }
    if (start < chunk.length) this.pieces.push(chunk.subarray(start));
  }

  /** The next piece: a whole record, the end of one, or (last) the start of an incomplete one. */
  shift(): Uint8Array | undefined {
    return this.pieces.shift();
  }

  get length(): number {
    return this.pieces.length;
  }
}
