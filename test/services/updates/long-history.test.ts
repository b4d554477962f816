import { OPERATOR } from '../../../services/access/policy';
import { FixedClock } from '../../../services/core/clock';
import { domainEvents } from '../../../services/events/handlers';
import type { Action } from '../../../services/plan/model';
import { exportSubject } from '../../../services/retention/subject';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { toArray, type Store } from '../../../services/store/ports';
import { submitStatusUpdate } from '../../../services/updates/status-update';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const TZ = 'Europe/London';
const val = person({ id: 'val', name: 'Val Johnson' });
/** A weekly update with long notes in text of three bytes a character: about 9 KB stored each time. */
const note = (week: number, what: string, length: number) => `Week ${week} ${what}: ${'€'.repeat(length)}`.slice(0, length);

/**
 * An ongoing action updated every week with long notes kept every update in its one document, and
 * every replace rewrote all of it: after four to five years it passed Cosmos DB's 2 MB and no update
 * could be saved at all. The oldest updates now move out to documents of their own.
 */
describe('an action updated every week for years', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, {
      people: [val],
      actions: [actionDoc({ id: 'weekly', leadIds: ['val'], leads: [{ name: 'Val Johnson', personId: 'val' }], ongoing: true })],
    });
  });
  afterAll(() => store.close());

  it('takes 240 long updates, keeps the action document small, and the lead’s subject access export still lists every one', async () => {
    const events = domainEvents(new WorkingCalendar());
    for (let week = 1; week <= 240; week++) {
      const clock = new FixedClock(new Date(Date.parse('2026-01-05T10:00:00Z') + week * 7 * 86_400_000));
      const { version } = (await store.collection<Action>('actions').read(ORG, 'weekly'))!;
      const outcome = await submitStatusUpdate(
        { store, clock, events },
        {
          actor: val,
          timeZone: TZ,
          data: {
            actionId: 'weekly',
            version,
            status: 'G',
            progress: note(week, 'progress', 2_000),
            evidence: note(week, 'evidence', 1_000),
            reason: note(week, 'reason', 1_000),
            remedialAction: note(week, 'next step', 1_000),
          },
        },
      );
      expect({ week, kind: outcome.kind }).toEqual({ week, kind: 'saved' });
    }
    const action = (await store.collection<Action>('actions').read(ORG, 'weekly'))!;
    expect(action.version).toBe(241);
    expect(Buffer.byteLength(JSON.stringify(action))).toBeLessThan(1.5 * 1024 * 1024);
    // The latest updates are on the action itself, as the card and the rules read them.
    expect(action.history.at(-1)!.progress).toMatch(/^Week 240 progress/);

    const exported = await exportSubject({ store, clock: new FixedClock('2028-08-01T10:00:00Z') }, ORG, 'val', OPERATOR);
    const updates = exported.actionsLed.find((a) => a.ref === action.ref)!.updates;
    expect(updates.map((u) => u.progress.split(' progress')[0])).toEqual(Array.from({ length: 240 }, (_, i) => `Week ${i + 1}`));

    const docs = await toArray(store.collection<{ id: string; orgId: string }>('actions').readAll());
    for (const d of docs) expect(Buffer.byteLength(JSON.stringify(d))).toBeLessThan(1.5 * 1024 * 1024);
  }, 400_000);
});
