import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { MAX_LISTED_TEXT_CHARS } from '../../../services/core/text';
import type { OutboxItem } from '../../../services/delivery/model';
import { deliveryStatus, enqueueAll } from '../../../services/delivery/outbox';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Action } from '../../../services/plan/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const TZ = 'Europe/London';
/** Mon 14 Dec 2026, 09:00: every action below is due that day, so all need a reminder. */
const clock = new FixedClock('2026-12-14T09:00:00Z');
const due = { dates: ['2026-12-14'], ongoing: null, text: '14 December 2026' };

/**
 * A plan cell takes up to 10,000 characters. A lead with 250 long actions once made a digest over
 * Cosmos DB's 2 MB item limit, the write was refused (413), and the whole daily job failed for
 * everyone, every day.
 */
describe('a digest cannot outgrow the store, and one unstorable message never stops the others', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('a lead with 250 actions of 9,000 characters: the daily reminders run, and every other owner’s digest is queued', async () => {
    const long = (i: number) => `Action ${i}: ${'review the safeguarding arrangements and record what changed. '.repeat(150)}`.slice(0, 9_000);
    const many: Action[] = Array.from({ length: 250 }, (_, i) =>
      actionDoc({
        id: `big-${i}`,
        ref: `LP9.${i + 1}`,
        description: long(i),
        leadIds: ['heavy'],
        leads: [{ name: 'Heavy Lead', personId: 'heavy' }],
        due,
        nextDueDate: '2026-12-14',
      }),
    );
    const others = ['ann', 'bob', 'cat'].map((id, i) =>
      actionDoc({ id: `small-${id}`, ref: `LP1.${i + 1}`, leadIds: [id], leads: [{ name: id, personId: id }], due, nextDueDate: '2026-12-14' }),
    );
    await seed(store, {
      people: [person({ id: 'heavy', name: 'Heavy Lead' }), ...['ann', 'bob', 'cat'].map((id) => person({ id, name: id }))],
      actions: [...many, ...others],
    });
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });

    const result = await runJob('daily-reminders', { store, clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger });

    expect(result).toMatchObject({ digests: 4, enqueued: 4 });
    const { items } = await deliveryStatus(store, ORG, { idPrefix: 'reminders-2026-12-14-' });
    expect(items.map((i) => (i.recipient as { personId: string }).personId).sort()).toEqual(['ann', 'bob', 'cat', 'heavy']);
    const heavy = items.find((i) => i.id === 'reminders-2026-12-14-heavy') as OutboxItem;
    expect(heavy.status).toBe('pending');
    if (heavy.message.kind !== 'reminder-digest') throw new Error('not a digest');
    expect(heavy.message.lines).toHaveLength(250);
    // The line holds what the card shows of it: the start of the description, cut where the card cuts.
    const first = heavy.message.lines.find((l) => l.actionId === 'big-0')!;
    expect(first.description).toHaveLength(MAX_LISTED_TEXT_CHARS);
    expect(first.description.endsWith('…')).toBe(true);
    expect(long(0).startsWith(first.description.slice(0, -1))).toBe(true);
  });

  it('an item the store refuses (over 2 MB) is recorded as failed with the reason; the rest are queued', async () => {
    const notice = (id: string, text: string) => ({
      id,
      orgId: ORG,
      purpose: 'admin-notice' as const,
      recipient: { personId: id },
      message: { kind: 'notice' as const, title: 'Notice', text },
    });
    const items = [notice('n-ann', 'hello'), notice('n-huge', 'x'.repeat(2_200_000)), notice('n-bob', 'hello'), notice('n-cat', 'hello')];

    const created = await enqueueAll(store, clock, items);

    expect(created).toBe(3);
    const { items: stored, counts } = await deliveryStatus(store, ORG, { purpose: 'admin-notice' });
    expect(counts).toMatchObject({ pending: 3, failed: 1 });
    const huge = stored.find((i) => i.id === 'n-huge')!;
    expect(huge.status).toBe('failed');
    expect(huge.lastError?.status).toBe(413);
    expect(huge.lastError?.message).toMatch(/too large/i);
    // What was refused is not kept: the record says what it was for and why it did not go.
    expect(JSON.stringify(huge).length).toBeLessThan(5_000);
  });

  it('queueing the same messages again adds nothing and leaves the failed record as it was', async () => {
    const notice = (id: string, text: string) => ({
      id,
      orgId: ORG,
      purpose: 'admin-notice' as const,
      recipient: { personId: id },
      message: { kind: 'notice' as const, title: 'Notice', text },
    });
    const items = [notice('n-ann', 'hello'), notice('n-huge', 'x'.repeat(2_200_000))];
    await enqueueAll(store, clock, items);
    expect(await enqueueAll(store, clock, items)).toBe(0);
    const { counts } = await deliveryStatus(store, ORG, { purpose: 'admin-notice' });
    expect(counts).toMatchObject({ pending: 1, failed: 1 });
  });
});
