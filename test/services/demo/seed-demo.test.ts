import { appEvents } from '../../harness/partnership';
import { FixedClock } from '../../../services/core/clock';
import { seedDemo, seedDemoTraining } from '../../../services/demo/seed-demo';
import type { Store } from '../../../services/store/ports';
import { trainingRates } from '../../../services/training/reports';
import { OPERATOR } from '../../../services/access/policy';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

describe('the demo that npm start loads', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('gives HR training rates to look at: awareness in date for 3 of the 6 demo people', async () => {
    await seedDemo(store, new FixedClock('2026-11-22T10:00:00Z'), ORG, 'Europe/London', appEvents());
    await seedDemoTraining(store, ORG);
    const rows = await trainingRates({ store }, ORG, '2026-11-22', 'department', OPERATOR);
    // Val and Jennifer in date; Tim's lapsed in March 2025; Richard in date; Simon and Lucy never did it.
    expect(rows.find((r) => r.group === 'All')).toMatchObject({ required: 6, withinValidity: 3, pctWithinValidity: 50 });
    expect(rows.find((r) => r.group === 'Community Services')).toMatchObject({ required: 3, withinValidity: 1 });
  });
});
