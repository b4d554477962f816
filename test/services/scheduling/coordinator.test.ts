import cron from 'node-cron';
import { systemClock } from '../../../services/core/clock';
import { StoreRunCoordinator } from '../../../services/scheduling/coordinator';
import type { Store } from '../../../services/store/ports';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

describe('one run per slot across instances', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('of several instances claiming the same slot at once, exactly one is elected', async () => {
    const instances = Array.from({ length: 5 }, (_, i) => new StoreRunCoordinator(store, ORG, systemClock, `instance-${i}`));
    const elected = await Promise.all(instances.map((c) => c.shouldRun('daily-reminders:2026-11-23T09:00:00.000Z', 60_000)));
    expect(elected.filter(Boolean)).toHaveLength(1);
    expect(await instances[0]!.shouldRun('daily-reminders:2026-11-24T09:00:00.000Z', 60_000)).toBe(true); // the next slot is free again
  });

  it('two node-cron schedulers sharing the store run each slot once (real timers, every second for 3 s)', async () => {
    const runs: string[] = [];
    const tasks = [0, 1].map((i) =>
      cron.schedule('* * * * * *', (ctx) => void runs.push(`${i}@${ctx.date.toISOString()}`), {
        name: 'every-second',
        distributed: true,
        runCoordinator: new StoreRunCoordinator(store, ORG, systemClock, `instance-${i}`),
      }),
    );
    await new Promise((r) => setTimeout(r, 3_200));
    await Promise.all(tasks.map((t) => t.destroy()));
    const slots = runs.map((r) => r.split('@')[1]);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(slots).size).toBe(slots.length);
  });
});
