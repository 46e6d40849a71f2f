// What a verification came to, as a string tests compare: 'OK', or the X509Error code it threw.
import { X509Error } from '../../src/index.js';

export function outcome(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof X509Error) return e.code;
    throw e;
  }
  return 'OK';
}
