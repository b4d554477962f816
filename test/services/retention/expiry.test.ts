import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import type { OutboxItem } from '../../../services/delivery/model';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { StoreRunCoordinator } from '../../../services/scheduling/coordinator';
import type { JobSlot } from '../../../services/scheduling/repository';
import { runJob } from '../../../bot/jobs';
import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { containerDefinition } from '../../../services/store/containers';
import type { Collection, Doc, QuerySpec, Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

/** The same store, noting every query made on the outbox and jobs containers and how many items each call may bring. */
function queriesSeen(store: Store): { store: Store; queries: { container: string; query: string; pageSize?: number; paged: boolean }[] } {
  const queries: { container: string; query: string; pageSize?: number; paged: boolean }[] = [];
  const watch = <T extends Doc>(name: string, col: Collection<T>): Collection<T> =>
    new Proxy(col, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'query' && prop !== 'queryPage') return typeof value === 'function' ? value.bind(target) : value;
        return (spec: QuerySpec, options?: { pageSize?: number }) => {
          queries.push({ container: name, query: spec.query, pageSize: options?.pageSize, paged: prop === 'queryPage' });
          return (value as (...a: unknown[]) => unknown).call(target, spec, options);
        };
      },
    });
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'collection')
        return <T extends Doc>(name: string) =>
          name === 'outbox' || name === 'jobs' ? watch(name, target.collection<T>(name as never)) : target.collection<T>(name as never);
      return Reflect.get(target, prop, receiver);
    },
  });
  return { store: wrapped, queries };
}

/**
 * Cosmos DB removes expired items itself, at no cost to the app, when they carry a `ttl`; the
 * weekly housekeeping does the same on the embedded store. It once loaded every old item whole
 * into memory and never removed failed or unreachable messages.
 */
describe('old messages and job runs expire', () => {
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

  it('the jobs and outbox containers have TTL on, so items that carry a ttl expire on Azure', () => {
    expect(containerDefinition('jobs')).toMatchObject({ defaultTtl: -1 });
    expect(containerDefinition('outbox')).toMatchObject({ defaultTtl: -1 });
  });

  it('a job run carries a ttl of the week it is kept for', async () => {
    const coordinator = new StoreRunCoordinator(store, ORG, new FixedClock('2026-11-23T09:00:00Z'), 'instance-a');
    expect(await coordinator.shouldRun('daily-reminders-2026-11-23', 60_000)).toBe(true);
    const [slot] = await deliveryStatusOfJobs(store);
    expect(slot!.ttl).toBe(7 * 86_400);
  });

  it('a message carries the delivery record’s retention as its ttl once it is sent, failed or unreachable', async () => {
    const [p] = await installedPeople(store, connector.serviceUrl, 1);
    const clock = new FixedClock('2026-11-23T09:00:00Z');
    await enqueue(store, clock, {
      id: 'sent-one',
      orgId: ORG,
      purpose: 'reminder',
      recipient: { personId: p!.id },
      message: { kind: 'notice', title: 'Hello', text: 'x' },
    });
    await enqueue(store, clock, {
      id: 'nobody',
      orgId: ORG,
      purpose: 'reminder',
      recipient: { personId: 'not-installed' },
      message: { kind: 'notice', title: 'Hello', text: 'x' },
    });
    const sender = new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger, recordTtlSeconds: 180 * 86_400 },
      { perSecond: 100, conversationIntervalMs: 0, maxConcurrent: 4 },
    );
    await sender.drain(ORG);
    const { items } = await deliveryStatus(store, ORG);
    expect(items.map((i) => [i.id, i.status, i.ttl]).sort()).toEqual([
      ['nobody', 'unreachable', 180 * 86_400],
      ['sent-one', 'sent', 180 * 86_400],
    ]);
  });

  it('housekeeping removes every finished message past its period, failed and unreachable too, and expired job runs, by ids a page at a time', async () => {
    const outbox = store.collection<OutboxItem>('outbox');
    const old = '2026-01-05T09:00:00.000Z';
    const statuses = ['sent', 'failed', 'unreachable'] as const;
    for (let i = 0; i < 1_200; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => {
          const status = statuses[(i + j) % 3]!;
          return outbox.create({
            id: `old-${i + j}`,
            orgId: ORG,
            purpose: 'reminder',
            recipient: { personId: 'p' },
            message: { kind: 'notice', title: 'Old', text: 'x' },
            status,
            attempts: 1,
            nextAttemptAt: '',
            createdAt: old,
            ...(status === 'sent' ? { sentAt: old } : {}),
          });
        }),
      );
    }
    await outbox.create({
      id: 'recent',
      orgId: ORG,
      purpose: 'reminder',
      recipient: { personId: 'p' },
      message: { kind: 'notice', title: 'New', text: 'x' },
      status: 'sent',
      attempts: 1,
      nextAttemptAt: '',
      createdAt: '2026-11-20T09:00:00.000Z',
      sentAt: '2026-11-20T09:00:00.000Z',
    });
    const jobs = store.collection<JobSlot>('jobs');
    for (let i = 0; i < 30; i++)
      await jobs.create({ id: `slot-${i}`, orgId: ORG, kind: 'job-slot', key: `k${i}`, instance: 'a', claimedAt: old, expiresAt: '2026-01-12T09:00:00.000Z' });

    const clock = new FixedClock('2026-11-23T09:00:00Z');
    const { store: watched, queries } = queriesSeen(store);
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    const result = await runJob('housekeeping', { store: watched, clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger });

    expect(result).toMatchObject({ expiredSlots: 30, removed: { deliveryRecordDays: 1_200 } });
    expect((await deliveryStatus(store, ORG)).items.map((i) => i.id)).toEqual(['recent']);
    expect(await deliveryStatusOfJobs(store)).toEqual([]);
    // Ids only, never whole items, and a page at a time: memory stays bounded however many there are.
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      expect(q.query).not.toMatch(/SELECT \*/);
      expect(q).toMatchObject({ paged: true });
      expect(q.pageSize).toBeLessThanOrEqual(500);
    }
  });
});

async function deliveryStatusOfJobs(store: Store): Promise<(JobSlot & { ttl?: number })[]> {
  const found: (JobSlot & { ttl?: number })[] = [];
  for await (const s of store
    .collection<JobSlot & { ttl?: number }>('jobs')
    .query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }))
    found.push(s);
  return found;
}
