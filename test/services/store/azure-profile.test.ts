import { CosmosClient, type Container } from '@azure/cosmos';
import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAppError } from '../../../services/core/errors';
import { MAX_ITEM_BYTES } from '../../../services/store/azure-cost';
import { RequestMeter, type AzureProfileSettings } from '../../../services/store/azure-profile';
import { CosmosStore } from '../../../services/store/cosmos-store';
import { createKeyedCosmosServer, newMasterKey } from '../../../services/store/master-key-auth';
import { toArray } from '../../../services/store/ports';

/**
 * The embedded store with EMBEDDED_PROFILE=azure, seen through the real @azure/cosmos SDK (raw
 * status codes and headers) and through the app's store (the error catalogue).
 */
type Profiled = { store: CosmosStore; client: CosmosClient; container: (name: string) => Container; meter: RequestMeter; close: () => Promise<void> };

async function openProfiled(settings: Partial<AzureProfileSettings> = {}, sdkRetries?: number): Promise<Profiled> {
  const key = newMasterKey();
  const meter = new RequestMeter();
  const server: http.Server = createKeyedCosmosServer(key, { settings: { ruPerSecond: 1_000_000_000, latencyMs: 0, ...settings }, meter });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new CosmosClient({
    endpoint,
    key,
    connectionPolicy: {
      enableEndpointDiscovery: false,
      ...(sdkRetries === undefined
        ? {}
        : { retryOptions: { maxRetryAttemptCount: sdkRetries, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 60 } }),
    },
  });
  const store = await CosmosStore.open({
    kind: 'embedded',
    client,
    databaseId: 'test',
    description: 'embedded store, Azure profile',
    canCreate: true,
    onClose: async () => {
      server.closeAllConnections();
      server.close();
    },
  });
  return { store, client, container: (name) => client.database('test').container(name), meter, close: () => store.close() };
}

type Note = { id: string; orgId: string; text?: string; ttl?: number; status?: string; description?: string };
const ORG = 'org-1';
const text = (bytes: number) => 'x'.repeat(bytes);
const statusOf = async (work: Promise<unknown>) =>
  (
    (await work.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number } | undefined
  )?.code;

describe('the embedded store with the Azure profile', () => {
  let p: Profiled;
  beforeAll(async () => {
    p = await openProfiled();
  });
  afterAll(() => p.close());

  it('answers 413 to an item over 2 MB, and the app names what was too large', async () => {
    const people = p.container('people');
    const overhead = Buffer.byteLength(JSON.stringify({ id: 'big', orgId: ORG, text: '' }));
    expect(await statusOf(people.items.create({ id: 'big', orgId: ORG, text: text(MAX_ITEM_BYTES - overhead + 1) }))).toBe(413);
    // Exactly 2 MB is still accepted.
    const { statusCode } = await people.items.create({
      id: 'just-fits',
      orgId: ORG,
      text: text(MAX_ITEM_BYTES - overhead - 'just-fits'.length + 'big'.length),
    });
    expect(statusCode).toBe(201);

    const err = await p.store
      .collection<Note>('outbox')
      .create({ id: 'digest-1', orgId: ORG, text: text(MAX_ITEM_BYTES) })
      .catch((e: unknown) => e);
    expect(isAppError(err, 'ITEM_TOO_LARGE')).toBe(true);
    expect((err as Error).message).toContain('outbox item');
    expect((err as Error).message).not.toMatch(/not reachable/);
    expect(await p.store.collection<Note>('outbox').read(ORG, 'digest-1')).toBeUndefined();
  });

  it('answers 400 to an id with ? or over 1,023 bytes; the SDK itself refuses / \\ and #, which the server also refuses in a batch', async () => {
    const people = p.container('people');
    expect(await statusOf(people.items.create({ id: 'a?b', orgId: ORG }))).toBe(400);
    expect(await statusOf(people.items.create({ id: text(1024), orgId: ORG }))).toBe(400);
    expect(await statusOf(people.items.create({ id: 'é'.repeat(512), orgId: ORG }))).toBe(400); // 1,024 bytes in UTF-8
    expect((await people.items.create({ id: text(1023), orgId: ORG })).statusCode).toBe(201);
    for (const bad of ['a/b', 'a\\b', 'a#b']) {
      await expect(people.items.create({ id: bad, orgId: ORG })).rejects.toMatchObject({ message: expect.stringMatching(/illegal/i) });
      // The SDK does not check ids in a batch, and reports the gateway's answer only in its diagnostics.
      const batch = (await people.items.batch([{ operationType: 'Create', resourceBody: { id: bad, orgId: ORG } }], ORG).catch((e: unknown) => e)) as {
        diagnostics: { clientSideRequestStatistics: { gatewayStatistics: { statusCode: number }[] } };
      };
      expect(batch.diagnostics.clientSideRequestStatistics.gatewayStatistics.at(-1)?.statusCode).toBe(400);
    }
  });

  it('a bad id is a validation error in the app, never "store unreachable"', async () => {
    const outbox = p.store.collection<Note>('outbox');
    for (const bad of ['channel-https://teams/l/x', 'a\\b', 'a#b', 'a?b', text(1024)]) {
      const err = await outbox.create({ id: bad, orgId: ORG }).catch((e: unknown) => e);
      expect(isAppError(err, 'VALIDATION')).toBe(true);
    }
    expect(await toArray(outbox.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }))).toEqual([]);
  });

  it('charges point reads and writes by size, from Microsoft’s table', async () => {
    const people = p.container('people');
    const charges: { kb: number; write: number; read: number }[] = [];
    for (const kb of [1, 16, 128, 1024]) {
      const id = `sized-${kb}`;
      // Under an indexed path (people index /email), as Microsoft's table assumes every property indexed.
      const created = await people.items.create({ id, orgId: ORG, email: text(kb * 1024 - 60) });
      const read = await people.item(id, ORG).read();
      charges.push({ kb, write: created.requestCharge, read: read.requestCharge });
    }
    expect(charges.map((c) => c.write)).toEqual([...charges.map((c) => c.write)].sort((a, b) => a - b));
    expect(charges[0]!.read).toBeCloseTo(1, 1);
    expect(charges[0]!.write).toBeCloseTo(4.95, 0);
    expect(charges[2]!.read).toBeCloseTo(9.95, 0);
    expect(charges[3]!.write).toBeGreaterThan(600);
    expect(charges[3]!.read).toBeGreaterThan(140);
    // A missing item costs a read too.
    const missing = await people.item('nobody', ORG).read();
    expect(missing.statusCode).toBe(404);
    expect(missing.requestCharge).toBeGreaterThan(0);
  });

  it('a write costs less where the indexing policy leaves the text out', async () => {
    const description = text(32 * 1024);
    const indexed = await p.container('people').items.create({ id: 'with-text', orgId: ORG, email: description });
    const excluded = await p.container('actions').items.create({ id: 'with-text', orgId: ORG, description });
    expect(excluded.requestCharge).toBeLessThan(indexed.requestCharge * 0.75);
  });

  it('charges a query by the documents it loads: an indexed filter loads its matches, an unindexed one the whole partition', async () => {
    const actions = p.container('actions');
    for (let i = 0; i < 200; i++) {
      await actions.items.create({ id: `a${i}`, orgId: 'org-q', status: i % 20 === 0 ? 'R' : 'G', description: i % 20 === 0 ? 'red' : 'fine' });
    }
    const spec = (field: string, value: string) => ({
      query: `SELECT * FROM c WHERE c.orgId = @orgId AND c.${field} = @v`,
      parameters: [
        { name: '@orgId', value: 'org-q' },
        { name: '@v', value },
      ],
    });
    const byStatus = await actions.items.query(spec('status', 'R'), { partitionKey: 'org-q' }).fetchAll();
    const byDescription = await actions.items.query(spec('description', 'red'), { partitionKey: 'org-q' }).fetchAll();
    expect(byStatus.resources).toHaveLength(10);
    expect(byDescription.resources).toHaveLength(10);
    // 10 documents loaded against 200 (/description is excluded from the actions index).
    expect(byDescription.requestCharge - 2.5).toBeGreaterThan(10 * (byStatus.requestCharge - 2.5));
    const meterBefore = p.meter.totalRu;
    const { ru } = await p.meter.measure(() => toArray(p.store.collection<Note>('actions').query(spec('status', 'R'))));
    expect(ru).toBeCloseTo(byStatus.requestCharge, 1);
    expect(p.meter.totalRu).toBeGreaterThan(meterBefore);
  });

  it('expires an item after its own ttl, in a container with TTL on, and keeps the rest', async () => {
    const outbox = p.store.collection<Note>('outbox'); // TTL on, no default
    const people = p.store.collection<Note>('people'); // TTL off: a ttl property means nothing
    await outbox.create({ id: 'short-lived', orgId: ORG, ttl: 1 });
    await outbox.create({ id: 'kept', orgId: ORG });
    await people.create({ id: 'not-expiring', orgId: ORG, ttl: 1 });
    expect(await outbox.read(ORG, 'short-lived')).toBeDefined();
    await new Promise((r) => setTimeout(r, 2200));
    expect(await outbox.read(ORG, 'short-lived')).toBeUndefined();
    const left = await toArray(outbox.query({ query: 'SELECT c.id FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }));
    expect(left.map((d) => d.id)).toEqual(['kept']);
    expect(await people.read(ORG, 'not-expiring')).toBeDefined();
  });

  it('expires items after the container’s defaultTtl, unless the item says -1', async () => {
    const { container } = await p.client.database('test').containers.create({ id: 'short', partitionKey: { paths: ['/orgId'] }, defaultTtl: 1 });
    await container.items.create({ id: 'goes', orgId: ORG });
    await container.items.create({ id: 'stays', orgId: ORG, ttl: -1 });
    await new Promise((r) => setTimeout(r, 2200));
    expect((await container.item('goes', ORG).read()).statusCode).toBe(404);
    expect((await container.item('stays', ORG).read()).statusCode).toBe(200);
  });
});

describe('throttling and latency in the Azure profile', () => {
  it('answers 429 with x-ms-retry-after-ms beyond the container’s RU per second', async () => {
    const p = await openProfiled({ ruPerSecond: 100 }, 0);
    try {
      const people = p.container('people');
      // A 1 MB write (about 625 RU) overdraws a 100 RU/s budget for several seconds.
      await people.items.create({ id: 'dear', orgId: ORG, text: text(1024 * 1024) });
      const err = (await people
        .item('dear', ORG)
        .read()
        .catch((e: unknown) => e)) as { code?: number; retryAfterInMs?: number; headers?: Record<string, string> };
      expect(err.code).toBe(429);
      expect(Number(err.headers?.['x-ms-retry-after-ms'])).toBeGreaterThan(1000);
      expect(p.meter.throttled).toBeGreaterThan(0);
      // Other containers have their own budget.
      expect((await p.container('outbox').items.create({ id: 'other', orgId: ORG })).statusCode).toBe(201);
      // Through the app, still throttled after the SDK's retries: busy, not unreachable.
      const busy = await p.store
        .collection<Note>('people')
        .read(ORG, 'dear')
        .catch((e: unknown) => e);
      expect(isAppError(busy, 'STORE_BUSY')).toBe(true);
      expect((busy as Error).message).toMatch(/try again in a minute/);
    } finally {
      await p.close();
    }
  });

  it('the SDK waits out a 429 by the retry-after it is given, and then succeeds', async () => {
    const p = await openProfiled({ ruPerSecond: 20 });
    try {
      const people = p.container('people');
      for (let i = 0; i < 8; i++) await people.items.create({ id: `n${i}`, orgId: ORG }); // about 5 RU each
      expect(p.meter.throttled).toBeGreaterThan(0);
      const { resources } = await people.items
        .query({ query: 'SELECT VALUE c.id FROM c WHERE c.orgId = @o', parameters: [{ name: '@o', value: ORG }] })
        .fetchAll();
      expect(resources).toHaveLength(8);
    } finally {
      await p.close();
    }
  });

  it('adds a round trip of EMBEDDED_LATENCY_MS to every request', async () => {
    const p = await openProfiled({ latencyMs: 60 });
    try {
      await p.store.collection<Note>('people').create({ id: 'x', orgId: ORG });
      const started = performance.now();
      for (let i = 0; i < 5; i++) await p.store.collection<Note>('people').read(ORG, 'x');
      expect(performance.now() - started).toBeGreaterThanOrEqual(5 * 60 * 0.75);
    } finally {
      await p.close();
    }
  });
});
