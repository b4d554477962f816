/**
 * Runs `work` over `items` with at most `concurrency` calls in flight; the results keep the order of
 * `items`. The first failure stops new work (calls already in flight finish) and is thrown.
 * Written here rather than taken from p-limit (ESM-only, which jest cannot load) or Bottleneck (which
 * waits a timer tick per job: thousands of jobs then take seconds of waiting alone).
 */
export async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (!failed && next < items.length) {
        const i = next++;
        try {
          results[i] = await work(items[i]!, i);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    }),
  );
  return results;
}
