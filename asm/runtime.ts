/** First free byte after the module's static data: the TypeScript allocator manages memory above it. */
export function heap_base(): usize {
  return __heap_base;
}
