import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import type { OutboxItem } from '../../../services/delivery/model';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import { MAX_ITEM_BYTES } from '../../../services/store/azure-cost';
import type { Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const FAST = { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 4 };
const clock = new FixedClock('2026-11-22T09:00:00Z');

/**
 * One item the store cannot take through its states (a claim that would pass 2 MB, a recipient
 * whose key is not a valid id) once aborted every drain, every 5 s, for everyone. Now it is
 * recorded as failed with the reason, and the rest go out.
 */
describe('a poisoned outbox item never stops delivery for the others', () => {
  let store: Store;
  let connector: FakeConnector;
  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
  });
  afterEach(async () => {
    await connector.close();
    await store.close();
  });

  const notice = (text: string) => ({ kind: 'notice' as const, title: 'Notice', text });

  it('an item whose claim would pass 2 MB and one to a channel key the store refuses are recorded failed; every other message is delivered', async () => {
    const people = await installedPeople(store, connector.serviceUrl, 4);
    for (const p of people)
      await enqueue(store, clock, { id: `m-${p.id}`, orgId: ORG, purpose: 'reminder', recipient: { personId: p.id }, message: notice('hello') });
    // Just under the limit when queued: claiming it (status, attempts, lease) pushes it over.
    const bare = {
      id: 'm-edge',
      orgId: ORG,
      purpose: 'reminder',
      recipient: { personId: people[0]!.id },
      message: notice(''),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: '',
      createdAt: clock.now().toISOString(),
    };
    const fill = MAX_ITEM_BYTES - Buffer.byteLength(JSON.stringify(bare)) - 10;
    await enqueue(store, clock, { id: 'm-edge', orgId: ORG, purpose: 'reminder', recipient: { personId: people[0]!.id }, message: notice('x'.repeat(fill)) });
    // Queued before channel keys were checked: a pasted channel link.
    await enqueue(store, clock, {
      id: 'm-link',
      orgId: ORG,
      purpose: 'escalation',
      recipient: { conversationKey: 'https://teams.microsoft.com/l/channel/19%3aabc/General' },
      message: notice('alert'),
    });

    const report = await new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
      FAST,
    ).drain(ORG);

    expect(report).toMatchObject({ sent: 4, failed: 2 });
    expect(connector.activities()).toHaveLength(4);
    const { items } = await deliveryStatus(store, ORG);
    const byId = new Map(items.map((i) => [i.id, i as OutboxItem]));
    expect(byId.get('m-edge')).toMatchObject({ status: 'failed', lastError: { status: 413 } });
    expect(byId.get('m-edge')!.lastError!.message).toMatch(/too large/i);
    expect(byId.get('m-link')).toMatchObject({ status: 'failed', lastError: { status: 400 } });
    expect(byId.get('m-link')!.lastError!.message).toMatch(/id/i);
    // The next drain does not pick them up again.
    expect(
      await new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger }, FAST).drain(ORG),
    ).toMatchObject({ sent: 0, failed: 0 });
  });
});
