import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock } from '../../../services/core/clock';
import { mapConcurrently } from '../../../services/core/concurrency';
import type { OutboxItem } from '../../../services/delivery/model';
import { deliveryStatus, deliverySummary, enqueue } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import { silentLogger } from '../../../services/core/logger';
import { RequestMeter } from '../../../services/store/azure-profile';
import { localMessenger } from '../../harness/delivery';
import type { Store } from '../../../services/store/ports';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

/**
 * `delivery status` on a county's outbox: hundreds of thousands of delivered items, each with its
 * message. The operator wants the counts and what reached no one, not every item in memory.
 */
describe('delivery status counts the outbox rather than reading it into memory', () => {
  const meter = new RequestMeter();
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const SENT = 3_000;

  beforeAll(async () => {
    store = await openTestStore({ meter });
    const outbox = store.collection<OutboxItem>('outbox');
    const lines = Array.from({ length: 8 }, (_, i) => ({
      actionId: `a${i}`,
      ref: `LP1.${i}`,
      description: 'Review the arrangements and report back to the board. '.repeat(6),
      why: 'due soon',
      status: 'G' as const,
    }));
    await mapConcurrently(
      Array.from({ length: SENT + 3 }, (_, i) => i),
      16,
      async (i) => {
        const { item } = await enqueue(store, clock, {
          id: `reminders-2026-11-23-p${i}`,
          orgId: ORG,
          purpose: 'reminder',
          recipient: { personId: `p${i}` },
          message: { kind: 'reminder-digest', heading: 'Your actions', intro: '', lines, snoozeChoices: [] },
        });
        const finished: Partial<OutboxItem> =
          i < SENT
            ? { status: 'sent', sentAt: '2026-11-23T09:01:00.000Z' }
            : { status: 'unreachable', lastError: { status: 0, message: 'has not installed the app' } };
        await outbox.upsert({ ...item, ...finished });
      },
    );
  }, 300_000);
  afterAll(() => store.close());

  it('gives the count at each status and only the undelivered items, with their reasons', async () => {
    const before = { ru: meter.totalRu };
    const summary = await deliverySummary(store, ORG);
    const summaryRu = meter.totalRu - before.ru;
    expect(summary.counts).toEqual({ pending: 0, sending: 0, sent: SENT, failed: 0, unreachable: 3 });
    expect(summary.undelivered).toEqual(
      Array.from({ length: 3 }, (_, k) => ({
        id: `reminders-2026-11-23-p${SENT + k}`,
        status: 'unreachable',
        lastError: { status: 0, message: 'has not installed the app' },
      })),
    );
    // The Azure profile charges a COUNT as loading the documents it counts (Cosmos DB may answer it
    // from the index for less), so the RU are about those of reading every item; what changes is
    // that none of the 3,000 sent items, with their messages, comes back to the command line.
    if (process.env.SHOW_STORE_COSTS) {
      const whole = meter.totalRu;
      await deliveryStatus(store, ORG);
      process.stdout.write(`delivery status: ${Math.round(summaryRu)} RU counted, ${Math.round(meter.totalRu - whole)} RU reading every item\n`);
    }
  });

  it('a drain with nothing to send (the delivery loop every few seconds) costs two indexed queries, that read none of the sent items', async () => {
    const sender = new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger });
    const before = { ru: meter.totalRu, calls: meter.requests };
    expect(await sender.drain(ORG)).toMatchObject({ sent: 0, failed: 0 });
    const spent = { calls: meter.requests - before.calls, ru: Math.round((meter.totalRu - before.ru) * 10) / 10 };
    if (process.env.SHOW_STORE_COSTS) process.stdout.write(`idle drain: ${JSON.stringify(spent)}\n`);
    // Pending and due, then sending with a lapsed lease: each a query plan and a query, about 5 RU
    // in all, where a query with OR would load every sent item (the embedded index serves no OR).
    expect(spent.calls).toBeLessThanOrEqual(4);
    expect(spent.ru).toBeLessThan(10);
    // Leases last a minute: the next polls within it ask only for pending items.
    const again = meter.requests;
    await sender.drain(ORG);
    expect(meter.requests - again).toBeLessThanOrEqual(2);
  });
});
