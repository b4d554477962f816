import { appEvents } from '../../harness/partnership';
import { FixedClock } from '../../../services/core/clock';
import { OPERATOR } from '../../../services/access/policy';
import { DEMO_PLAN_ID, seedDemo } from '../../../services/demo/seed-demo';
import { ActionPlan } from '../../../services/plan/repository';
import { ReviewRecords } from '../../../services/reviews/repository';
import { reviewReport } from '../../../services/reviews/reports';
import type { Store } from '../../../services/store/ports';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

describe('the demo plan’s own sources, recorded as reviews', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  beforeAll(async () => {
    store = await openTestStore();
    await seedDemo(store, clock, ORG, 'Europe/London', appEvents());
  });
  afterAll(() => store.close());

  it('records the Section 11 audit, the serious case review and the learning and development plan', async () => {
    const reviews = await new ReviewRecords(store).allReviews(ORG);
    expect(reviews.map((r) => [r.id, r.reviewKind, r.planId, r.recommendations.map((x) => `${x.id}@LP${x.learningPoint}`)])).toEqual([
      ['scr-children-a-f-2015', 'practice-review', DEMO_PLAN_ID, ['SCR-1@LP3', 'SCR-2@LP4', 'SCR-3@LP5', 'SCR-4@LP7']],
      ['section-11-self-assessment-2015', 'section-11', DEMO_PLAN_ID, ['S11-1@LP1', 'S11-2@LP6']],
      ['learning-and-development-plan-2015', 'other', DEMO_PLAN_ID, ['LD-1@LP2']],
    ]);
    // Linking added no actions: the demo plan's own are the recommendations' actions.
    const [plan] = await new ActionPlan(store).plansOf(ORG);
    expect(plan!.learningPoints.every((lp) => lp.review)).toBe(true);
  });

  it('shows every demo action under the recommendation its learning point answers', async () => {
    const all = await new ActionPlan(store).actionsOfPlan(ORG, DEMO_PLAN_ID);
    const reports = await reviewReport({ store, clock }, { orgId: ORG, requester: OPERATOR, timeZone: 'Europe/London' });
    const actionsShown = reports.flatMap((r) => r.rows.map((row) => row[5] as number)).reduce((a, b) => a + b, 0);
    expect(actionsShown).toBe(all.length);
    expect(reports.map((r) => r.title)).toEqual([
      expect.stringMatching(/^Oxfordshire Safeguarding Children Board Serious Case Review/),
      expect.stringMatching(/^Section 11/),
      expect.stringMatching(/^Oxford City Council Learning and Development/),
    ]);
  });
});
