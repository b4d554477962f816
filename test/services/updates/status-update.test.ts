import { FixedClock } from '../../../services/core/clock';
import type { Action } from '../../../services/plan/model';
import type { Store } from '../../../services/store/ports';
import { submitStatusUpdate } from '../../../services/updates/status-update';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { domainEvents } from '../../../bot/modules';
import { WorkingCalendar } from '../../../services/scheduling/calendar';

const val = person({ id: 'val', name: 'Val Johnson' });
const admin = person({ id: 'tim', name: 'Tim Sadler', roles: ['admin'] });
const stranger = person({ id: 'sam', name: 'Sam Other' });
const TZ = 'Europe/London';

describe('submitting a RAG status update', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-22T10:00:00Z');
  const deps = () => ({ store, clock, events: domainEvents(new WorkingCalendar()) });
  const stored = async (id: string) => (await store.collection<Action>('actions').read(ORG, id))!;

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [val, admin, stranger] });
  });
  afterAll(() => store.close());
  beforeEach(async () => seed(store, { actions: [actionDoc({ id: 'a1' })] }));

  it('lead submits Amber with reason and remedial action → stored with history, version bumped', async () => {
    const outcome = await submitStatusUpdate(deps(), {
      actor: val,
      timeZone: TZ,
      data: { actionId: 'a1', version: 1, status: 'A', progress: 'Venue lost', reason: 'Venue cancelled', remedialAction: 'Rebooked for January' },
    });
    expect(outcome.kind).toBe('saved');
    const action = await stored('a1');
    expect(action).toMatchObject({ status: 'A', progress: 'Venue lost', version: 2 });
    expect(action.history).toEqual([
      expect.objectContaining({
        by: { personId: 'val', name: 'Val Johnson' },
        at: '2026-11-22T10:00:00.000Z',
        previousStatus: 'G',
        status: 'A',
        reason: 'Venue cancelled',
        remedialAction: 'Rebooked for January',
        fromVersion: 1,
        source: 'teams',
      }),
    ]);
  });

  it('owner submits Red without remedial action → refused on that field, nothing stored', async () => {
    const outcome = await submitStatusUpdate(deps(), {
      actor: val,
      timeZone: TZ,
      data: { actionId: 'a1', version: 1, status: 'R', progress: 'Stuck', reason: 'No budget' },
    });
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ field: 'remedialAction' }] });
    expect(await stored('a1')).toMatchObject({ status: 'G', version: 1, history: [] });
  });

  it('someone who is not a lead is refused and nothing is stored', async () => {
    await expect(
      submitStatusUpdate(deps(), { actor: stranger, timeZone: TZ, data: { actionId: 'a1', version: 1, status: 'B', progress: 'x', evidence: 'y' } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await stored('a1')).version).toBe(1);
  });

  it('a plan administrator may update any action', async () => {
    expect(
      (await submitStatusUpdate(deps(), { actor: admin, timeZone: TZ, data: { actionId: 'a1', version: 1, status: 'G', progress: 'Checked' } })).kind,
    ).toBe('saved');
  });

  it('a card showing an older version does not overwrite a newer answer', async () => {
    await submitStatusUpdate(deps(), { actor: val, timeZone: TZ, data: { actionId: 'a1', version: 1, status: 'G', progress: 'First' } });
    const outcome = await submitStatusUpdate(deps(), {
      actor: admin,
      timeZone: TZ,
      data: { actionId: 'a1', version: 1, status: 'R', progress: 'Second', reason: 'r', remedialAction: 'm' },
    });
    expect(outcome.kind).toBe('stale');
    expect(await stored('a1')).toMatchObject({ progress: 'First', version: 2 });
  });

  it('a double submit (sequential or simultaneous) stores once', async () => {
    const data = { actionId: 'a1', version: 1, status: 'G', progress: 'Once only' };
    const outcomes = await Promise.all([1, 2, 3].map(() => submitStatusUpdate(deps(), { actor: val, timeZone: TZ, data })));
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['replayed', 'replayed', 'saved']);
    expect((await submitStatusUpdate(deps(), { actor: val, timeZone: TZ, data })).kind).toBe('replayed');
    expect((await stored('a1')).history).toHaveLength(1);
  });

  it('card data naming another organisation’s action finds nothing', async () => {
    await seed(store, { actions: [actionDoc({ id: 'other', orgId: 'other-org' })] });
    await expect(
      submitStatusUpdate(deps(), { actor: val, timeZone: TZ, data: { actionId: 'other', version: 1, status: 'G', progress: 'x' } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await store.collection<Action>('actions').read('other-org', 'other'))?.version).toBe(1);
  });

  it('malformed card data is a VALIDATION error, not a crash', async () => {
    for (const data of [null, 'text', { actionId: 5 }, { actionId: 'a1', version: 'abc' }, { actionId: 'a1' }]) {
      await expect(submitStatusUpdate(deps(), { actor: val, timeZone: TZ, data })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
  });

  it('Blue closes the action and a revised date becomes the next due date', async () => {
    await submitStatusUpdate(deps(), {
      actor: val,
      timeZone: TZ,
      data: { actionId: 'a1', version: 1, status: 'G', progress: 'Moved', revisedDueDate: '2027-01-15' },
    });
    expect(await stored('a1')).toMatchObject({ revisedDueDate: '2027-01-15', nextDueDate: '2027-01-15', open: true });
    await submitStatusUpdate(deps(), {
      actor: val,
      timeZone: TZ,
      data: { actionId: 'a1', version: 2, status: 'B', progress: 'Done', evidence: 'Minutes of 12 Jan' },
    });
    expect(await stored('a1')).toMatchObject({ status: 'B', open: false });
  });
});
