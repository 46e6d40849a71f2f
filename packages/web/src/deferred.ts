// A promise with its settle functions outside, settled at most once. Its rejection is marked handled, so
// a caller who never looks at it does not get an unhandled-rejection report; one who does still sees it.

export interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let res!: (value: T) => void;
  let rej!: (reason: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    res = resolve;
    rej = reject;
  });
  promise.catch(() => {});
  const d = {
    promise,
    settled: false,
    resolve(value: T) {
      if (d.settled) return;
      d.settled = true;
      res(value);
    },
    reject(reason: unknown) {
      if (d.settled) return;
      d.settled = true;
      rej(reason);
    },
  };
  return d;
}
