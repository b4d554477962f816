import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import { pacingFor } from '../../../services/delivery/pacer';
import { DeliverySender, type DeliveryLimits } from '../../../services/delivery/sender';
import type { Person } from '../../../services/people/model';
import type { ContainerName } from '../../../services/store/containers';
import type { Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { ORG } from '../../harness/fixtures';
import { personalConversationId } from '../../harness/teams-activities';
import { openTestStore } from '../../harness/store';

/** The same store, counting the pages of outbox queries the engine reads. */
function countingOutboxPages(store: Store, onPage: () => void): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property !== 'collection') return Reflect.get(target, property, target);
      return (name: ContainerName) => {
        const collection = target.collection(name);
        if (name !== 'outbox') return collection;
        return new Proxy(collection, {
          get(inner, key) {
            if (key === 'queryPage') {
              return (...args: Parameters<typeof inner.queryPage>) => {
                onPage();
                return inner.queryPage(...args);
              };
            }
            const value = Reflect.get(inner, key, inner);
            return typeof value === 'function' ? value.bind(inner) : value;
          },
        });
      };
    },
  });
}

/**
 * Teams limits each app per tenant, so a partnership's agencies (one tenant each) are paced on
 * their own and sent in parallel: what happens to one tenant must not hold back another.
 */
const POLICE = '0b7e3c1a-2d4f-4a6b-8c9d-1e2f3a4b5c6d';
const HEALTH = '9a8b7c6d-5e4f-4321-8fed-cba987654321';

const note = (i: number) => ({ kind: 'notice' as const, title: `Message ${i}`, text: 'x' });

describe('delivery across tenants, each at its own adaptive pace', () => {
  let store: Store;
  let connector: FakeConnector;
  const clock = new FixedClock('2026-11-22T09:00:00Z');

  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => {
    await connector.close();
    await store.close();
  });

  const sender = (limits: Partial<DeliveryLimits> = {}) =>
    new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
      { perSecond: 50, conversationIntervalMs: 0, maxConcurrent: 32, ...limits },
    );
  const queueFor = async (people: Person[]) => {
    for (const [i, p] of people.entries())
      await enqueue(store, clock, { id: `m-${p.id}`, orgId: ORG, purpose: 'reminder', recipient: { personId: p.id }, message: note(i) });
  };
  /** Teams' chat ids of one tenant's people, to tell their calls apart at the connector. */
  const chatsOf = (people: Person[]) => new Set(people.map((p) => personalConversationId({ id: `29:${p.id}` })));
  const expectEachOnce = (people: Person[]) => {
    const chats = connector.activities().map((a) => a.conversation.id as string);
    for (const chat of chatsOf(people)) expect(chats.filter((c) => c === chat)).toHaveLength(1);
  };

  it('a tenant whose messages come after another’s in the outbox starts at once, not after the other’s 600', async () => {
    connector = await FakeConnector.start();
    const police = await installedPeople(store, connector.serviceUrl, 600, { prefix: 'pol', tenantId: POLICE });
    const health = await installedPeople(store, connector.serviceUrl, 10, { prefix: 'hea', tenantId: HEALTH });
    await queueFor(police);
    await queueFor(health);

    expect(await sender({ perSecond: 100 }).drain(ORG)).toMatchObject({ sent: 610, failed: 0 });

    // Order of arrival at Teams: health's ten are done while police's are still going out.
    const order = connector.activities().map((a) => a.conversation.tenantId);
    expect(order.lastIndexOf(HEALTH)).toBeLessThan(300);
    expect(order.filter((t) => t === POLICE)).toHaveLength(600);
    expectEachOnce([...police, ...health]);
  }, 60_000);

  it('while one tenant’s long queue goes out, another tenant being done does not make the engine re-read the outbox over and over', async () => {
    connector = await FakeConnector.start();
    // More than twice what a lane holds (1,000), so the engine must come back to the outbox for the rest, twice.
    const police = await installedPeople(store, connector.serviceUrl, 2_200, { prefix: 'pol', tenantId: POLICE });
    const health = await installedPeople(store, connector.serviceUrl, 5, { prefix: 'hea', tenantId: HEALTH });
    await queueFor(police);
    await queueFor(health);
    let pagesRead = 0;
    const counted = countingOutboxPages(store, () => pagesRead++);

    const engine = new DeliverySender(
      { store: counted, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
      { perSecond: 300, conversationIntervalMs: 0, maxConcurrent: 32 },
    );
    expect(await engine.drain(ORG)).toMatchObject({ sent: 2_205, failed: 0 });

    // A first scan (five pages), one more each time police's lane is half empty, one at the end: not one per finished message.
    expect(pagesRead).toBeLessThan(30);
    expectEachOnce([...police, ...health]);
  }, 90_000);

  it('a throttled tenant waits out its Retry-After while another tenant sends everything at its full pace', async () => {
    connector = await FakeConnector.start();
    const police = await installedPeople(store, connector.serviceUrl, 20, { prefix: 'pol', tenantId: POLICE });
    const health = await installedPeople(store, connector.serviceUrl, 20, { prefix: 'hea', tenantId: HEALTH });
    await queueFor(police);
    await queueFor(health);
    const policeChats = chatsOf(police);
    connector.fail({ status: 429, retryAfterSeconds: 2 }, { times: 6, match: (c) => policeChats.has(c.conversationId ?? '') });

    const engine = sender({ perSecond: 20 });
    expect(await engine.drain(ORG, { waitMs: 30_000 })).toMatchObject({ sent: 40, failed: 0 });

    const sends = connector.calls.filter((c) => c.method === 'POST');
    const policeCalls = sends.filter((c) => policeChats.has(c.conversationId!));
    const healthCalls = sends.filter((c) => !policeChats.has(c.conversationId!));
    expect(policeCalls.filter((c) => c.status === 429)).toHaveLength(6);
    expect(healthCalls.every((c) => c.status === 201)).toBe(true);
    // Health was done before police's first message got through.
    const firstPoliceSuccess = Math.min(...policeCalls.filter((c) => c.status === 201).map((c) => c.at));
    expect(Math.max(...healthCalls.map((c) => c.at))).toBeLessThan(firstPoliceSuccess);
    // Police slowed down; health kept the pace it started at, or went faster.
    expect(engine.tenantPacer(POLICE).perSecond).toBeLessThan(20 * 0.96);
    expect(engine.tenantPacer(HEALTH).perSecond).toBeGreaterThanOrEqual(20 * 0.96);
    expectEachOnce([...police, ...health]);
  }, 60_000);

  it('Retry-After is honoured: after five 429s in a row the tenant sends nothing until it has passed, and the throttled messages wait it out', async () => {
    connector = await FakeConnector.start();
    const police = await installedPeople(store, connector.serviceUrl, 10, { prefix: 'pol', tenantId: POLICE });
    await queueFor(police);
    const inARow = pacingFor(50).pauseAfterThrottles;
    connector.fail({ status: 429, retryAfterSeconds: 2 }, { times: inARow });

    // A slow pace, so each 429 is back before the next send starts even on a loaded machine.
    expect(await sender({ perSecond: 5 }).drain(ORG, { waitMs: 30_000 })).toMatchObject({ sent: 10, failed: 0 });

    const sends = connector.calls.filter((c) => c.method === 'POST');
    const throttled = sends.filter((c) => c.status === 429);
    expect(throttled).toHaveLength(inARow);
    const last = throttled[inARow - 1]!.at;
    // Nothing reached the connector in the 2 s after the last 429 in a row...
    expect(sends.filter((c) => c.at > last && c.at < last + 2_000)).toEqual([]);
    // ...and each throttled message was tried again only once its own Retry-After had passed.
    for (const refused of throttled) {
      const retry = sends.find((c) => c.conversationId === refused.conversationId && c.at > refused.at);
      expect(retry!.at - refused.at).toBeGreaterThanOrEqual(2_000);
    }
    expectEachOnce(police);
  }, 60_000);

  it('against a connector enforcing a lower limit than expected, the pace falls to it, and nothing is lost or sent twice', async () => {
    // The connector allows this tenant 20/s where the sender starts near 50/s.
    connector = await FakeConnector.start({ limits: { global: { count: 20, windowMs: 1_000 } } });
    const police = await installedPeople(store, connector.serviceUrl, 120, { prefix: 'pol', tenantId: POLICE });
    await queueFor(police);

    const engine = sender({ perSecond: 50 });
    expect(await engine.drain(ORG, { waitMs: 60_000 })).toMatchObject({ sent: 120, failed: 0 });

    expect(connector.calls.some((c) => c.status === 429)).toBe(true);
    expect(engine.tenantPacer(POLICE).perSecond).toBeLessThan(25);
    expectEachOnce(police);
    expect((await deliveryStatus(store, ORG)).counts.sent).toBe(120);
  }, 90_000);

  it('once the 429s stop, successes bring the pace back up, additively', async () => {
    connector = await FakeConnector.start();
    const first = await installedPeople(store, connector.serviceUrl, 10, { prefix: 'one', tenantId: POLICE });
    await queueFor(first);
    connector.fail({ status: 429, retryAfterSeconds: 1 }, { times: 5 });
    const engine = sender({ perSecond: 100, pacing: { increasePerSecond: 20 } });
    await engine.drain(ORG, { waitMs: 30_000 });
    const cut = engine.tenantPacer(POLICE).perSecond;
    expect(cut).toBeLessThan(96 * pacingFor(100).decreaseFactor ** 3);

    const second = await installedPeople(store, connector.serviceUrl, 100, { prefix: 'two', tenantId: POLICE });
    await queueFor(second);
    expect(await engine.drain(ORG)).toMatchObject({ sent: 100 });
    const recovered = engine.tenantPacer(POLICE).perSecond;
    // Each success adds increase/pace: 100 of them add at least 100 × 20 / 100 = 20 requests a second, capped at 100.
    expect(recovered).toBeGreaterThanOrEqual(Math.min(100, cut + 20));
    expectEachOnce([...first, ...second]);
  }, 60_000);
});
