/** Bounded parallelism for feeding the worker pool without overflowing its queue. */

/**
 * Runs `work` over `items` with at most `limit` in flight; results keep the items' order.
 * When one item fails (or a checkpoint throws to cancel), no new item starts, the items
 * already in flight finish (so what they computed can still be kept), then the first error
 * is thrown.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await work(items[i], i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}
