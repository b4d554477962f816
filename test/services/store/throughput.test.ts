import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CosmosClient } from '@azure/cosmos';
import { FixedClock } from '../../../services/core/clock';
import { createLogger, silentLogger } from '../../../services/core/logger';
import { enqueue } from '../../../services/delivery/outbox';
import type { Organisation } from '../../../services/organisation/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { JOBS } from '../../../bot/jobs';
import { runJobDefinition } from '../../../services/scheduling/job-context';
import { RequestMeter } from '../../../services/store/azure-profile';
import { CONTAINER_NAMES, indexingPolicy, type ContainerName } from '../../../services/store/containers';
import { CosmosStore } from '../../../services/store/cosmos-store';
import { embeddedClient } from '../../../services/store/embedded';
import { createKeyedCosmosServer, newMasterKey } from '../../../services/store/master-key-auth';
import type { Doc, Store } from '../../../services/store/ports';
import { toArray } from '../../../services/store/ports';
import { inBackground, RETRY_OPTIONS } from '../../../services/store/request-priority';
import { restoreSnapshot, type Snapshot } from '../../../services/store/snapshot';
import { TrainingRepository } from '../../../services/training/repository';
import { openTestStore } from '../../harness/store';

type Intercept = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/**
 * The embedded server with the Azure profile, and a hook in front of it that can answer a request
 * itself as Azure Cosmos DB sometimes does and the embedded server never would (a replica that has
 * not seen a write yet, an account with multi-region writes).
 */
async function serverWithHook(options: { meter?: RequestMeter; ruPerSecond?: number } = {}) {
  const key = newMasterKey();
  const server = createKeyedCosmosServer(key, { settings: { ruPerSecond: options.ruPerSecond ?? 1_000_000_000, latencyMs: 0 }, meter: options.meter });
  const handlers = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  const hook: { intercept?: Intercept } = {};
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (hook.intercept?.(req, res)) return;
    for (const h of handlers) h.call(server, req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hook,
    client: (retry = RETRY_OPTIONS.interactive) => embeddedClient(endpoint, key, retry),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const openOn = (client: CosmosClient, logger = silentLogger) =>
  CosmosStore.open({ kind: 'embedded', client, databaseId: 'test', description: 'test', canCreate: true, logger });

type Item = Doc & { n?: number; text?: string };

describe('priority: background work is sent at Low priority, people’s requests at the default (High)', () => {
  it('a scheduled job’s every request is Low; a card answer’s none', async () => {
    const meter = new RequestMeter();
    const store = await openTestStore({ meter });
    try {
      await store.collection<Item>('plans').create({ id: 'p1', orgId: 'org' });
      const before = { requests: meter.requests, low: meter.lowPriority };
      await store.collection<Item>('plans').read('org', 'p1');
      expect(meter.lowPriority).toBe(before.low);

      const start = { requests: meter.requests, low: meter.lowPriority };
      const ctx = {
        store,
        clock: new FixedClock('2026-11-23T03:30:00Z'),
        orgId: 'org',
        organisation: { orgId: 'org', timeZone: 'Europe/London' } as Organisation,
        calendar: new WorkingCalendar(),
        logger: silentLogger,
      };
      await runJobDefinition('housekeeping', JOBS.housekeeping!, ctx);
      const jobRequests = meter.requests - start.requests;
      expect(jobRequests).toBeGreaterThan(3);
      expect(meter.lowPriority - start.low).toBe(jobRequests);
    } finally {
      await store.close();
    }
  });

  it('a restore writes through the bulk API at Low priority: a request per hundred documents, not one each', async () => {
    const meter = new RequestMeter();
    const store = await openTestStore({ meter });
    try {
      const containers = Object.fromEntries(CONTAINER_NAMES.map((n) => [n, [] as Doc[]])) as Record<ContainerName, Doc[]>;
      containers.training = Array.from({ length: 1000 }, (_, i) => ({ id: `rec-${i}`, orgId: 'org', kind: 'record' }) as Doc);
      const before = { requests: meter.requests, low: meter.lowPriority };
      await restoreSnapshot(store, { format: 'safeguarding-snapshot/1', takenAt: '2026-11-23T00:00:00Z', database: 'test', containers } satisfies Snapshot);
      expect(meter.requests - before.requests).toBeLessThanOrEqual(20);
      // All but the SDK's own look-up of the partition key ranges, which carries no priority.
      expect(meter.lowPriority - before.low).toBeGreaterThanOrEqual(meter.requests - before.requests - 1);
      expect(meter.lowPriority - before.low).toBeGreaterThanOrEqual(10);
      expect(
        await toArray(
          store.collection('training').query({ query: 'SELECT c.id FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: 'org' }] }),
        ),
      ).toHaveLength(1000);
    } finally {
      await store.close();
    }
  });

  it('a bulk request reports each failure on its own and carries on with the rest', async () => {
    const store = await openTestStore();
    try {
      const items = store.collection<Item>('plans');
      await items.create({ id: 'taken', orgId: 'org' });
      const outcomes = await items.bulk([
        { kind: 'create', doc: { id: 'new-1', orgId: 'org' } },
        { kind: 'create', doc: { id: 'taken', orgId: 'org' } },
        { kind: 'delete', orgId: 'org', id: 'never-there' },
        { kind: 'upsert', doc: { id: 'new-2', orgId: 'org' } },
      ]);
      expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'ALREADY_EXISTS', 'ok', 'ok']);
      expect(await items.read('org', 'new-2')).toBeDefined();
    } finally {
      await store.close();
    }
  });
});

describe('retries on throttling, by surface', () => {
  jest.setTimeout(60_000);

  it('a person’s request gives up with "busy" inside Teams’ 15 s; background work waits the throttling out', async () => {
    const server = await serverWithHook();
    const store = await openOn(server.client());
    try {
      const items = store.collection<Item>('plans');
      await items.upsert({ id: 'p1', orgId: 'org' });
      // The container stays at its throughput for 12 s, asking every request to come back in 2 s.
      const until = Date.now() + 12_000;
      server.hook.intercept = (req, res) => {
        if (req.method !== 'GET' || !req.url?.includes('/docs/p1') || Date.now() >= until) return false;
        res.writeHead(429, { 'content-type': 'application/json', 'x-ms-retry-after-ms': '2000', 'x-ms-substatus': '3200', 'x-ms-request-charge': '0' });
        res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large' }));
        return true;
      };
      const t0 = Date.now();
      await expect(items.read('org', 'p1')).rejects.toMatchObject({ code: 'STORE_BUSY' });
      expect(Date.now() - t0).toBeLessThan(10_000);
      const read = await inBackground(() => items.read('org', 'p1'));
      expect(read?.id).toBe('p1');
      expect(Date.now()).toBeGreaterThanOrEqual(until);
    } finally {
      await store.close();
      await server.close();
    }
  });
});

describe('reads right after a 409 (several instances, Session consistency)', () => {
  it('an item another instance just created, not yet visible to this one’s read, is read again rather than returned as nothing', async () => {
    const server = await serverWithHook();
    const store = await openOn(server.client());
    try {
      const clock = new FixedClock('2026-11-23T09:00:00Z');
      const item = {
        id: 'digest-s1-2026-11-23',
        orgId: 'org',
        purpose: 'reminder' as const,
        recipient: { personId: 's1' },
        message: { kind: 'notice' as const, text: 'Hello' },
      };
      await enqueue(store, clock, item as never);
      // The next point read of that item reaches a replica that has not applied the create yet.
      let lagging = 1;
      server.hook.intercept = (req, res) => {
        if (req.method === 'GET' && req.url?.includes('/docs/digest-s1') && lagging > 0) {
          lagging--;
          res.writeHead(404, { 'content-type': 'application/json', 'x-ms-request-charge': '1' });
          res.end(JSON.stringify({ code: 'NotFound', message: 'not found' }));
          return true;
        }
        return false;
      };
      const again = await enqueue(store, clock, item as never);
      expect(again.created).toBe(false);
      expect(again.item.id).toBe(item.id);

      lagging = 2; // still not there on the second read: a clear, retryable conflict
      await expect(store.collection<Item>('outbox').createOrRead({ id: item.id, orgId: 'org' })).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      await store.close();
      await server.close();
    }
  });
});

describe('start-up checks of the account and the containers', () => {
  it('refuses an account with multi-region writes, naming why', async () => {
    const server = await serverWithHook();
    server.hook.intercept = (req, res) => {
      if (req.method !== 'GET' || req.url !== '/') return false;
      // As Azure Cosmos DB describes an account with several write regions.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          writableLocations: [],
          readableLocations: [],
          userConsistencyPolicy: { defaultConsistencyLevel: 'Session' },
          enableMultipleWriteLocations: true,
        }),
      );
      return true;
    };
    const client = server.client();
    try {
      await expect(openOn(client)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('multi-region writes') });
    } finally {
      client.dispose();
      await server.close();
    }
  });

  it('warns about a container whose indexing policy or partition key differs from the code, and still starts', async () => {
    const server = await serverWithHook();
    const client = server.client();
    // Created outside the app with the portal's defaults: everything indexed, and a different key for reach.
    const { database } = await client.databases.createIfNotExists({ id: 'test' });
    await database.containers.createIfNotExists({ id: 'actions', partitionKey: { paths: ['/orgId'] } });
    await database.containers.createIfNotExists({ id: 'reach', partitionKey: { paths: ['/id'] }, indexingPolicy: indexingPolicy('reach') });
    const lines: { msg: string; container?: string; differences?: string[] }[] = [];
    const logger = createLogger('warn', { destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const store = await openOn(client, logger);
    try {
      const warned = Object.fromEntries(lines.filter((l) => l.container).map((l) => [l.container, l.differences!.join('; ')]));
      expect(Object.keys(warned).sort()).toEqual(['actions', 'reach']);
      expect(warned.actions).toContain('excludedPaths lack ["/*"]');
      expect(warned.reach).toContain('partition key ["/id"]');
    } finally {
      await store.close();
      await server.close();
    }
  });
});

describe('SDK paging quirks (@azure/cosmos 4.9)', () => {
  /** The SDK's own iterator against the embedded server, with an empty page (and, on the pipelined path, no `resources`) first. */
  function withEmptyFirstPage(client: CosmosClient, resources: [] | undefined): CosmosClient {
    const database = client.database.bind(client);
    client.database = (id: string) => {
      const db = database(id);
      const container = db.container.bind(db);
      db.container = (name: string) => {
        const c = container(name);
        const query = c.items.query.bind(c.items);
        c.items.query = ((spec: never, options: never) => {
          const iterator = query(spec, options);
          const fetchNext = iterator.fetchNext.bind(iterator);
          let first = true;
          iterator.fetchNext = (async () => {
            if (!first) return fetchNext();
            first = false;
            return { resources, continuationToken: undefined, hasMoreResults: true } as never;
          }) as never;
          return iterator;
        }) as never;
        return c;
      };
      return db;
    };
    return client;
  }

  it.each([
    ['an empty page', [] as []],
    ['a page without resources', undefined],
  ])('a query whose first page is %s still returns every match', async (_label, resources) => {
    const server = await serverWithHook();
    const setUp = await openOn(server.client());
    await setUp.close();
    const store = CosmosStore.attach({ kind: 'embedded', client: withEmptyFirstPage(server.client(), resources), databaseId: 'test', description: 'test' });
    try {
      const items = store.collection<Item & { kind: string }>('training');
      await items.create({ id: 'r1', orgId: 'org', kind: 'record' });
      const spec = { query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'record'", parameters: [{ name: '@orgId', value: 'org' }] };
      expect((await toArray(items.query(spec))).map((d) => d.id)).toEqual(['r1']);
      expect((await items.queryPage(spec, { pageSize: 1 })).items).toEqual([]);
    } finally {
      await store.close();
      await server.close();
    }
  });

  it('"has any" does not take an empty first page for "none"', async () => {
    const server = await serverWithHook();
    const plain = await openOn(server.client());
    await plain.collection<Item & { kind: string }>('training').create({ id: 's1', orgId: 'org', kind: 'summary' });
    await plain.close();
    // An empty page with a continuation, as Cosmos DB may answer a one-item page.
    const continued = (store: Store): Store => {
      const real = store.collection('training');
      let first = true;
      const training = new Proxy(real, {
        get: (t, prop) =>
          prop === 'queryPage'
            ? async (spec: never, options: { pageSize: number; continuation?: string }) => {
                if (first) return ((first = false), { items: [], continuation: 'more' });
                return real.queryPage(spec, { ...options, continuation: options.continuation === 'more' ? undefined : options.continuation });
              }
            : Reflect.get(t, prop),
      });
      return {
        ...store,
        kind: store.kind,
        description: store.description,
        collection: ((name: ContainerName) => (name === 'training' ? training : store.collection(name))) as Store['collection'],
      };
    };
    const store = await openOn(server.client());
    try {
      expect(await new TrainingRepository(continued(store)).hasAny('org', 'summary')).toBe(true);
      expect(await new TrainingRepository(store).hasAny('org', 'record')).toBe(false);
    } finally {
      await store.close();
      await server.close();
    }
  });
});
