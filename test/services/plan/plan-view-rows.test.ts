import { FixedClock } from '../../../services/core/clock';
import { planView } from '../../../services/dashboard/dashboard';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Plan, StatusUpdate } from '../../../services/plan/model';
import { ActionPlan } from '../../../services/plan/repository';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

/**
 * The Action plan tab is open to everyone in the partnership and lists every action. An action's
 * history (each update ever given, with its text) is most of its size: a county's 10,000 actions
 * would bring 60–150 MB per load. The view reads only what its rows show.
 */
describe('the plan view reads the fields its rows show, not the actions’ histories', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const update = (i: number): StatusUpdate => ({
    id: `u${i}`,
    at: '2026-10-01T09:00:00.000Z',
    by: { personId: 'val', name: 'Val Johnson' },
    source: 'teams',
    fromVersion: i,
    previousStatus: 'G',
    status: 'G',
    progress: `Update ${i}: ${'minutes of the meeting, '.repeat(40)}`,
  });

  beforeAll(async () => {
    store = await openTestStore();
    const plan: Plan = {
      id: 'plan',
      orgId: ORG,
      kind: 'plan',
      title: 'Safeguarding Programme',
      learningPoints: [{ number: 1, title: 'Governance' }],
    } as unknown as Plan;
    await store.collection<Plan>('plans').upsert(plan);
    await seed(store, {
      people: [person({ id: 'val', name: 'Val Johnson' })],
      actions: [
        actionDoc({ id: 'a2', ref: 'LP1.2', imported: { status: 'G', progress: '', rowNumber: 3 }, history: Array.from({ length: 30 }, (_, i) => update(i)) }),
        actionDoc({
          id: 'a1',
          ref: 'LP1.1',
          status: 'R',
          progress: 'Venue cancelled',
          revisedDueDate: '2026-11-01',
          imported: { status: 'G', progress: '', rowNumber: 2 },
        }),
      ],
    });
  });
  afterAll(() => store.close());

  it('the rows come from a projection of the row fields, in plan order', async () => {
    const rows = await new ActionPlan(store).planRows(ORG, 'plan');
    expect(rows.map((r) => r.id)).toEqual(['a1', 'a2']);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(expect.arrayContaining(['id', 'ref', 'status', 'leads']));
      expect(r).not.toHaveProperty('history');
      expect(r).not.toHaveProperty('evidence');
    }
  });

  it('the view shows the same rows as before: status, leads, due date and overdue', async () => {
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    const view = await planView({ store, clock, calendar: new WorkingCalendar(), organisation }, person({ id: 'val', name: 'Val Johnson' }), {});
    expect(view.actions).toEqual([
      expect.objectContaining({ id: 'a1', ref: 'LP1.1', status: 'R', progress: 'Venue cancelled', leads: 'Val Johnson', due: '2026-11-01', overdue: true }),
      expect.objectContaining({ id: 'a2', ref: 'LP1.2', status: 'G', due: '2027-04-30', overdue: false }),
    ]);
    expect(view.overdue.map((r) => r.id)).toEqual(['a1']);
  });
});
