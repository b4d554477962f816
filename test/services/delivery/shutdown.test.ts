import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import type { OutboxItem } from '../../../services/delivery/model';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import { startDeliveryLoop } from '../../../services/delivery/loop';
import type { Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

/** Teams' real per-conversation gap: ten messages to one person take about 18 s to send. */
const PACED = { perSecond: 50, conversationIntervalMs: 2_000, maxConcurrent: 32 };
const note = (i: number) => ({ kind: 'notice' as const, title: `Message ${i}`, text: 'x' });

describe('an instance shutting down mid-delivery', () => {
  let store: Store;
  let connector: FakeConnector;
  const clock = new FixedClock('2026-11-22T09:00:00Z');
  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
  });
  afterEach(async () => {
    await connector.close();
    await store.close();
  });

  it('hands back every message it claimed but had not sent (no lease to wait out, no attempt used), and the next instance sends each exactly once', async () => {
    const [p] = await installedPeople(store, connector.serviceUrl, 1);
    for (let i = 0; i < 10; i++)
      await enqueue(store, clock, { id: `m${i}`, orgId: ORG, purpose: 'reminder', recipient: { personId: p!.id }, message: note(i) });
    const first = new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger }, PACED);
    const loop = startDeliveryLoop(first, ORG, 60_000, silentLogger);
    const draining = loop.kick();
    while (connector.activities().length === 0) await new Promise((r) => setTimeout(r, 20));

    await loop.stop();
    await draining;

    const items = await Promise.all((await deliveryStatus(store, ORG)).items.map(async (i) => (await store.collection<OutboxItem>('outbox').read(ORG, i.id))!));
    const sent = items.filter((i) => i.status === 'sent');
    const handedBack = items.filter((i) => i.status === 'pending');
    expect(sent.length).toBe(connector.activities().length);
    expect(sent.length).toBeLessThan(10);
    expect(sent.length + handedBack.length).toBe(10);
    for (const i of handedBack) {
      expect(i.leaseUntil).toBeUndefined();
      expect(i.attempts).toBe(0);
    }

    const next = new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
      { ...PACED, conversationIntervalMs: 0 },
    );
    await next.drain(ORG);
    const titles = connector.activities().map((a) => a.attachments[0].content.body[0].text as string);
    expect([...titles].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `Message ${i}`).sort());
  });
});
