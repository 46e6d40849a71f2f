// Inputs shared by the ChaCha20, Poly1305 and AEAD tests, as printed in RFC 8439 (texts given as ASCII).
import { hex } from './vectors';

/** Hex with any whitespace, as copied from the RFC's dumps. */
export const h = (s: string): Uint8Array => hex(s.replace(/\s/g, ''));
export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Bytes from, from+1, ... (the RFC's 00:01:02... and 80:81:82... keys). */
export const seq = (n: number, from = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

export const IETF_TEXT = ascii(
  'Any submission to the IETF intended by the Contributor for publication as all or part of an IETF ' +
  'Internet-Draft or RFC and any statement made within the context of an IETF activity is considered an ' +
  '"IETF Contribution". Such statements include oral statements in IETF sessions, as well as written and ' +
  'electronic communications made at any time or place, which are addressed to',
);
export const JABBERWOCKY = ascii(
  "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n" +
  'All mimsy were the borogoves,\nAnd the mome raths outgrabe.',
);
export const SUNSCREEN = ascii(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, " +
  'sunscreen would be it.',
);
/** The key of A.2 #3, A.3 #4, A.4 #3 and A.5. */
export const KEY_1C92 = h('1c9240a5eb55d38af333888604f6b5f0 473917c1402b80099dca5cbc207075c0');
