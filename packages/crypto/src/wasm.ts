// The single shared instance of the sanstls WASM module, its memory views and the allocator of the
// blocks (key schedules, hash states) that handles own. Everything here is synchronous.
import { WASM_BASE64 } from './wasm-bytes.js';

/** Raw exports of asm/index.ts: pointers and lengths only. Each primitive's facade declares what it uses. */
export type WasmExports = { readonly memory: WebAssembly.Memory } & Record<string, any>;

/** Bytes of the I/O scratch region: data is copied in, processed in place, copied out, in chunks of this size. */
export const SCRATCH_SIZE = 64 * 1024;
/** Small side region after the scratch data, for nonces, AADs up to this size, tags and keys. */
export const AUX_SIZE = 1024;

const ALIGN = 64;

let ex: WasmExports | undefined;
let bytesView: Uint8Array = new Uint8Array(0);
let scratchBase = 0;
let top = 0; // first byte never handed out
const freeLists = new Map<number, number[]>();

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function adopt(instance: WebAssembly.Instance): WasmExports {
  const e = instance.exports as WasmExports;
  const base = align(e.heap_base() as number);
  scratchBase = base;
  top = base + SCRATCH_SIZE + AUX_SIZE;
  ex = e;
  ensure(top);
  return e;
}

let compiled: WebAssembly.Module | undefined;
let loading: Promise<void> | undefined;

/**
 * Instantiates the module asynchronously: the way to load in a browser's main thread, where synchronous
 * compilation of large modules may be refused. Calling it is optional elsewhere: the first use loads lazily.
 */
export function initCrypto(): Promise<void> {
  if (ex) return Promise.resolve();
  loading ??= WebAssembly.instantiate(decodeBase64(WASM_BASE64), {}).then((r) => {
    if (!ex) { compiled = r.module; adopt(r.instance); }
  });
  return loading;
}

/** The module's exports, instantiating synchronously on first use. */
export function wasm(): WasmExports {
  if (ex) return ex;
  compiled ??= new WebAssembly.Module(decodeBase64(WASM_BASE64));
  return adopt(new WebAssembly.Instance(compiled, {}));
}

/** A byte view of the whole linear memory; renewed only when memory grows (which detaches old views). */
export function heap(): Uint8Array {
  const e = wasm();
  if (bytesView.buffer !== e.memory.buffer) bytesView = new Uint8Array(e.memory.buffer);
  return bytesView;
}

/** Pointer of the I/O scratch region (SCRATCH_SIZE bytes) and of the aux region right after it. */
export function scratch(): number {
  wasm();
  return scratchBase;
}
export function aux(): number {
  wasm();
  return scratchBase + SCRATCH_SIZE;
}

function align(n: number): number {
  return (n + ALIGN - 1) & ~(ALIGN - 1);
}

function ensure(end: number): void {
  const mem = ex!.memory;
  const have = mem.buffer.byteLength;
  if (end > have) mem.grow(Math.ceil((end - have) / 65536));
}

/** Allocates a zeroed, 64-byte aligned block of at least `size` bytes. Memory grows only when the free lists are empty. */
export function alloc(size: number): number {
  wasm();
  const n = align(size);
  const list = freeLists.get(n);
  const reused = list?.pop();
  if (reused !== undefined) return reused; // blocks are wiped when freed
  const ptr = top;
  top += n;
  ensure(top);
  return ptr;
}

/** Wipes a block and returns it to its free list. */
export function free(ptr: number, size: number): void {
  const n = align(size);
  heap().fill(0, ptr, ptr + n);
  let list = freeLists.get(n);
  if (!list) freeLists.set(n, (list = []));
  list.push(ptr);
}

/** Bytes handed out to live handles and free lists, for tests and memory reports. */
export function heapStats(): { top: number; memoryBytes: number; freeBlocks: number } {
  let freeBlocks = 0;
  for (const l of freeLists.values()) freeBlocks += l.length;
  return { top, memoryBytes: wasm().memory.buffer.byteLength, freeBlocks };
}

/** Copies `data` into linear memory at `ptr`. */
export function put(ptr: number, data: Uint8Array): void {
  heap().set(data, ptr);
}

/** Copies `len` bytes at `ptr` out of linear memory into a new array. */
export function take(ptr: number, len: number): Uint8Array {
  return heap().slice(ptr, ptr + len);
}

type Block = { ptr: number; size: number };
const finalizer = new FinalizationRegistry<Block[]>((blocks) => {
  for (const b of blocks) free(b.ptr, b.size);
});

/**
 * Base of every object that owns a block of linear memory (a key schedule, a hash state). `dispose()` wipes
 * and frees it (and any block attached later); a handle dropped without `dispose()` is wiped and freed when
 * it is garbage-collected.
 */
export abstract class WasmHandle {
  #blocks: Block[] | undefined;

  protected constructor(size: number) {
    const blocks = [{ ptr: alloc(size), size }];
    this.#blocks = blocks;
    finalizer.register(this, blocks, this);
  }

  /** The block's pointer; throws once disposed. */
  protected get ptr(): number {
    const b = this.#blocks;
    if (!b) throw new Error('sanstls crypto: handle used after dispose()');
    return b[0]!.ptr;
  }

  /** Allocates a further block owned by this handle (wiped and freed with it). */
  protected attach(size: number): number {
    const b = this.#blocks;
    if (!b) throw new Error('sanstls crypto: handle used after dispose()');
    const ptr = alloc(size);
    b.push({ ptr, size });
    return ptr;
  }

  get disposed(): boolean {
    return this.#blocks === undefined;
  }

  dispose(): void {
    const b = this.#blocks;
    if (!b) return;
    this.#blocks = undefined;
    finalizer.unregister(this);
    for (const x of b) free(x.ptr, x.size);
  }
}
