import { mapConcurrently } from '../../../services/core/concurrency';

describe('running work a few at a time', () => {
  it('keeps at most the limit in flight and the results in order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0, 6], 3, async (ms, i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return i * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(3);
  });

  it('stops starting work after a failure and throws it', async () => {
    const started: number[] = [];
    const run = mapConcurrently(
      Array.from({ length: 20 }, (_, i) => i),
      2,
      async (i) => {
        started.push(i);
        await new Promise((r) => setTimeout(r, 1));
        if (i === 3) throw new Error('store unavailable');
        return i;
      },
    );
    await expect(run).rejects.toThrow('store unavailable');
    expect(started.length).toBeLessThan(8);
  });

  it('does nothing for nothing', async () => {
    expect(await mapConcurrently([], 8, async () => 1)).toEqual([]);
  });
});
