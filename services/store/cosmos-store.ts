import { CosmosClient, PriorityLevel, type Container, type Database, type ItemDefinition, type OperationInput, type SharedOptions } from '@azure/cosmos';
import { mapConcurrently } from '../core/concurrency';
import { AppError, isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { idProblem } from './azure-cost';
import { CONTAINER_NAMES, containerDefinition, type ContainerName } from './containers';
import type { BulkOperation, BulkOutcome, Collection, Doc, Page, QuerySpec, Store, StoreKind, Stored } from './ports';
import { BACKGROUND_BUSY_WAIT_MS, isBackgroundWork } from './request-priority';

const MAX_UPDATE_ATTEMPTS = 8;
/** Spread re-tries of contended updates so concurrent writers do not collide again in lockstep. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
const ORG_FILTER = /\bc\.orgId\s*=\s*@orgId\b/;

/** Background work's requests go at Low priority (see request-priority.ts); everything else at the account's default, High. */
function requestOptions(): SharedOptions {
  return isBackgroundWork() ? { priorityLevel: PriorityLevel.Low } : {};
}

/** How long the service asked a throttled request to wait, when it said. */
function retryAfterMs(e: unknown): number | undefined {
  const given =
    (e as { retryAfterInMs?: unknown; retryAfterInMilliseconds?: unknown })?.retryAfterInMs ??
    (e as { retryAfterInMilliseconds?: unknown })?.retryAfterInMilliseconds;
  return typeof given === 'number' && given >= 0 ? given : undefined;
}

/**
 * Runs one store request. Background work waits out a 429 that survived the client's own retries,
 * as long as the service asks, up to BACKGROUND_BUSY_WAIT_MS in all; interactive work does not (it
 * fails as STORE_BUSY, "try again in a minute", inside Teams' time). A 429 means the service did
 * nothing, so repeating the request is safe for writes too.
 */
async function withBusyRetry<R>(request: () => Promise<R>): Promise<R> {
  if (!isBackgroundWork()) return request();
  let waited = 0;
  for (;;) {
    try {
      return await request();
    } catch (e) {
      if (statusOf(e) !== 429 || waited >= BACKGROUND_BUSY_WAIT_MS) throw e;
      const wait = Math.min(Math.max(retryAfterMs(e) ?? 1000, 10), BACKGROUND_BUSY_WAIT_MS - waited);
      await new Promise((r) => setTimeout(r, wait));
      waited += wait;
    }
  }
}

/** Pause before reading again an item another instance has just written (see createOrRead). */
const REPLICA_CATCH_UP_MS = 200;

/** Cosmos DB's most operations in one bulk request, and how many such requests are in flight at once. */
const BULK_BATCH = 100;
const BULK_CONCURRENCY = 4;

function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown; statusCode?: unknown })?.code ?? (e as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The SDK refuses some ids itself, before any request, throwing an Error or a bare `{ message }` (no status code). */
const SDK_ID_REFUSAL = /illegal char|Id must be a string|Resource ID must be a string/i;

/** Translate SDK failures into the error catalogue so callers never see transport details. */
/** A record as a 413 names it: its container and id, and its size as stored (UTF-8 JSON). */
function describeRecord(what: string, doc: { id: string }): string {
  const mb = Buffer.byteLength(JSON.stringify(doc), 'utf8') / (1024 * 1024);
  return `${what} "${String(doc.id).slice(0, 120)}" (${mb.toFixed(2)} MB)`;
}

function translate(e: unknown, what: string, doc?: { id: string }): never {
  if (isAppError(e)) throw e;
  const status = statusOf(e);
  if (status === 409) throw new AppError('ALREADY_EXISTS', undefined, { cause: e });
  if (status === 412) throw new AppError('CONFLICT', undefined, { cause: e });
  if (status === 404) throw new AppError('NOT_FOUND', undefined, { cause: e });
  if (status === 400) throw new AppError('VALIDATION', `The store rejected the ${what}.`, { cause: e });
  // Still throttled after the SDK's own retries: the store works but is at its throughput limit.
  if (status === 429) throw new AppError('STORE_BUSY', undefined, { cause: e });
  if (status === 413)
    throw new AppError(
      'ITEM_TOO_LARGE',
      `The ${doc ? describeRecord(what, doc) : what} is too large for the data store, which takes at most 2 MB per record.`,
      { cause: e },
    );
  if (status === undefined && SDK_ID_REFUSAL.test(String((e as { message?: unknown } | undefined)?.message ?? ''))) {
    throw new AppError('VALIDATION', `The store rejected the id of the ${what}: ids may not contain / \\ ? or #.`, { cause: e });
  }
  throw new AppError('STORE_UNAVAILABLE', undefined, { cause: e });
}

/**
 * Cosmos DB creates an item whose id it cannot address afterwards ("/", "\\", "?", "#"), so it could
 * never be read, claimed or deleted; the SDK refuses only some of these, and only on some calls.
 * Every write checks here, on every store, so such an item is never made.
 */
function assertWritableId(id: unknown, what: string): void {
  const problem = idProblem(id) ?? (typeof id === 'string' && /[\u0000-\u001f\u007f]/.test(id) ? 'the id contains a control character' : undefined);
  if (problem) throw new AppError('VALIDATION', `The ${what} cannot be stored: ${problem}.`);
}

function assertOrgScoped(spec: QuerySpec): void {
  // The embedded server ignores the partition key option, so a query that forgets the filter
  // would read other organisations' data there. Refuse it everywhere so tests catch it.
  const org = spec.parameters.find((p) => p.name === '@orgId');
  if (!ORG_FILTER.test(spec.query) || typeof org?.value !== 'string') {
    throw new Error(`Query is not scoped to one organisation (needs "c.orgId = @orgId"): ${spec.query}`);
  }
}

class CosmosCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly container: Container,
    private readonly name: ContainerName,
  ) {}

  async read(orgId: string, id: string): Promise<Stored<T> | undefined> {
    try {
      const { resource } = await withBusyRetry(() => this.container.item(id, orgId).read<Stored<T>>(requestOptions()));
      // Guard against servers that ignore the partition key on point reads too.
      return resource && resource.orgId === orgId ? resource : undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      return translate(e, `read from ${this.name}`);
    }
  }

  async create(doc: T): Promise<Stored<T>> {
    assertWritableId(doc.id, `new ${this.name} item`);
    try {
      const { resource } = await withBusyRetry(() => this.container.items.create<T>(doc, requestOptions()));
      return resource as unknown as Stored<T>;
    } catch (e) {
      return translate(e, `new ${this.name} item`, doc);
    }
  }

  async replace(doc: Stored<T>): Promise<Stored<T>> {
    try {
      const { resource } = await withBusyRetry(() =>
        this.container.item(doc.id, doc.orgId).replace<T>(doc, { ...requestOptions(), accessCondition: { type: 'IfMatch', condition: doc._etag } }),
      );
      return resource as unknown as Stored<T>;
    } catch (e) {
      return translate(e, `${this.name} item`, doc);
    }
  }

  async upsert(doc: T): Promise<Stored<T>> {
    assertWritableId(doc.id, `${this.name} item`);
    try {
      const { resource } = await withBusyRetry(() => this.container.items.upsert<T>(doc, requestOptions()));
      return resource as unknown as Stored<T>;
    } catch (e) {
      return translate(e, `${this.name} item`, doc);
    }
  }

  async delete(orgId: string, id: string): Promise<void> {
    try {
      await withBusyRetry(() => this.container.item(id, orgId).delete(requestOptions()));
    } catch (e) {
      if (statusOf(e) === 404) return;
      translate(e, `${this.name} item`);
    }
  }

  async createOrRead(doc: T): Promise<{ doc: Stored<T>; created: boolean }> {
    try {
      return { doc: await this.create(doc), created: true };
    } catch (e) {
      if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
    }
    // Another instance created it. Under Session consistency this client's read can reach a
    // replica that has not applied that write yet and find nothing: read once more after a pause.
    const found = (await this.read(doc.orgId, doc.id)) ?? (await new Promise((r) => setTimeout(r, REPLICA_CATCH_UP_MS)), await this.read(doc.orgId, doc.id));
    if (!found) throw new AppError('CONFLICT', `The ${this.name} item was created elsewhere a moment ago and cannot be read yet; try again.`);
    return { doc: found, created: false };
  }

  async bulk(operations: BulkOperation<T>[]): Promise<BulkOutcome[]> {
    // `items.bulk`, 100 operations a request, a few requests at a time. The SDK's newer
    // `executeBulkOperations` waits for a flush timer (about a second a call, measured), which
    // the small batches of housekeeping and imports would pay every time.
    const chunks = Array.from({ length: Math.ceil(operations.length / BULK_BATCH) }, (_, b) => operations.slice(b * BULK_BATCH, (b + 1) * BULK_BATCH));
    const answered = await mapConcurrently(chunks, BULK_CONCURRENCY, async (chunk) => {
      const inputs = chunk.map((op): OperationInput => {
        if (op.kind === 'delete') return { operationType: 'Delete', id: op.id, partitionKey: op.orgId };
        // Only if unchanged since it was read: a 412 comes back as this item's CONFLICT.
        if (op.kind === 'replace')
          return { operationType: 'Replace', id: op.doc.id, partitionKey: op.doc.orgId, resourceBody: op.doc as never, ifMatch: op.doc._etag };
        return { operationType: op.kind === 'create' ? 'Create' : 'Upsert', partitionKey: op.doc.orgId, resourceBody: op.doc as never };
      });
      try {
        return await withBusyRetry(() => this.container.items.bulk(inputs, { continueOnError: true }, requestOptions()));
      } catch (e) {
        return translate(e, `bulk write to ${this.name}`);
      }
    });
    return answered.flatMap((results, b) =>
      chunks[b]!.map((op, i): BulkOutcome => {
        const status = results[i]?.statusCode ?? 500;
        // A delete of what is already gone did what was asked.
        if ((status >= 200 && status < 300) || (op.kind === 'delete' && status === 404)) return { ok: true };
        try {
          return translate({ code: status }, `${this.name} item`);
        } catch (error) {
          return { ok: false, error: error as AppError };
        }
      }),
    );
  }

  async update(orgId: string, id: string, change: (current: Stored<T>) => T | undefined, known?: Stored<T>): Promise<Stored<T>> {
    for (let attempt = 1; ; attempt++) {
      const current = attempt === 1 && known ? known : await this.read(orgId, id);
      if (!current) throw new AppError('NOT_FOUND');
      const next = change(current);
      if (next === undefined) return current;
      try {
        return await this.replace({ ...next, id: current.id, orgId: current.orgId, _etag: current._etag } as Stored<T>);
      } catch (e) {
        if (!isAppError(e, 'CONFLICT') || attempt >= MAX_UPDATE_ATTEMPTS) throw e;
        await backoff(attempt);
      }
    }
  }

  async *query(spec: QuerySpec, options?: { pageSize?: number }): AsyncIterable<Stored<T>> {
    // One SDK iterator for all pages: each new iterator first asks the store for a query plan.
    const iterator = this.iterator(spec, { pageSize: options?.pageSize ?? 500 });
    while (iterator.hasMoreResults()) {
      let items: Stored<T>[];
      try {
        // The SDK can hand back a page without `resources` on its pipelined path (azure-sdk-for-js #39871).
        items = (await withBusyRetry(() => iterator.fetchNext())).resources ?? [];
      } catch (e) {
        return translate(e, `query on ${this.name}`);
      }
      yield* items;
    }
  }

  async queryPage(spec: QuerySpec, options: { pageSize: number; continuation?: string }): Promise<Page<Stored<T>>> {
    const iterator = this.iterator(spec, options);
    try {
      const response = await withBusyRetry(() => iterator.fetchNext());
      return { items: response.resources ?? [], continuation: response.continuationToken ?? undefined };
    } catch (e) {
      return translate(e, `query on ${this.name}`);
    }
  }

  private iterator(spec: QuerySpec, options: { pageSize: number; continuation?: string }) {
    assertOrgScoped(spec);
    const orgId = spec.parameters.find((p) => p.name === '@orgId')?.value as string;
    return this.container.items.query<Stored<T>>(spec as never, {
      ...requestOptions(),
      maxItemCount: options.pageSize,
      continuationToken: options.continuation,
      partitionKey: orgId,
    });
  }

  async *readAll(): AsyncIterable<Stored<T>> {
    try {
      const iterator = this.container.items.readAll<Stored<T> & ItemDefinition>({ ...requestOptions(), maxItemCount: 1000 });
      while (iterator.hasMoreResults()) {
        const { resources } = await withBusyRetry(() => iterator.fetchNext());
        yield* resources ?? [];
      }
    } catch (e) {
      translate(e, `scan of ${this.name}`);
    }
  }
}

export type CosmosStoreOptions = {
  kind: StoreKind;
  client: CosmosClient;
  databaseId: string;
  description: string;
  /** Keyless (Entra) credentials cannot create databases or containers: they must already exist. */
  canCreate: boolean;
  onClose?: () => Promise<void>;
  /** Where start-up reports containers that differ from the code's (see containerDrift). */
  logger?: Logger;
};

type LiveContainer = {
  partitionKey?: { paths?: string[] };
  indexingPolicy?: { indexingMode?: string; includedPaths?: { path: string }[]; excludedPaths?: { path: string }[] };
  defaultTtl?: number | null;
};

/** Paths of a policy as a sorted list; `_etag`, which Cosmos DB adds to every policy itself, left out. */
const pathsOf = (paths: { path: string }[] | undefined) =>
  (paths ?? [])
    .map((p) => p.path)
    .filter((p) => p !== '/"_etag"/?')
    .sort();

/**
 * How a container as it is differs from the code's definition (services/store/containers.ts):
 * its partition key, indexing policy and TTL. Infrastructure as code sets these; with keyless
 * access the app cannot change them, so a difference is reported for someone to fix, not refused.
 */
export function containerDrift(name: ContainerName, live: LiveContainer): string[] {
  const wanted = containerDefinition(name);
  const differences: string[] = [];
  const livePk = live.partitionKey?.paths ?? [];
  if (JSON.stringify(livePk) !== JSON.stringify(wanted.partitionKey.paths))
    differences.push(`partition key ${JSON.stringify(livePk)}, the code's ${JSON.stringify(wanted.partitionKey.paths)}`);
  const policy = live.indexingPolicy ?? {};
  if ((policy.indexingMode ?? 'consistent').toLowerCase() !== wanted.indexingPolicy.indexingMode)
    differences.push(`indexing mode ${policy.indexingMode}, the code's ${wanted.indexingPolicy.indexingMode}`);
  for (const which of ['includedPaths', 'excludedPaths'] as const) {
    const have = pathsOf(policy[which]);
    const want = pathsOf(wanted.indexingPolicy[which]);
    const missing = want.filter((p) => !have.includes(p));
    const extra = have.filter((p) => !want.includes(p));
    if (missing.length || extra.length) differences.push(`${which} lack ${JSON.stringify(missing)} and add ${JSON.stringify(extra)}`);
  }
  const wantTtl = 'defaultTtl' in wanted ? wanted.defaultTtl : undefined;
  const liveTtl = live.defaultTtl ?? undefined;
  if (liveTtl !== wantTtl) differences.push(`defaultTtl ${liveTtl ?? 'off'}, the code's ${wantTtl ?? 'off'}`);
  return differences;
}

/** Consistency levels that charge double for every read (https://learn.microsoft.com/azure/cosmos-db/consistency-levels). */
const DEAR_CONSISTENCY = ['Strong', 'BoundedStaleness'];

/**
 * The account's settings the app's coordination depends on. Job slots and outbox claims are won by
 * a create (409 = taken) or an etag replace, which only a single write region checks atomically;
 * with several write regions both instances can win and a job runs, or a message goes, twice
 * (https://learn.microsoft.com/azure/cosmos-db/conflict-resolution-policies). So that is refused.
 */
async function checkAccount(client: CosmosClient, logger: Logger | undefined): Promise<void> {
  const { resource } = await client.getDatabaseAccount();
  if (resource?.enableMultipleWritableLocations) {
    throw new AppError(
      'STORE_UNAVAILABLE',
      'The Cosmos DB account has multi-region writes on. The app claims jobs and messages with writes that only a single write region checks, so with several it could run a job or send a message twice. Turn multi-region writes off (read regions are fine).',
    );
  }
  const consistency = String(resource?.consistencyPolicy ?? '');
  if (DEAR_CONSISTENCY.includes(consistency))
    logger?.warn({ consistency }, 'the Cosmos DB account default consistency doubles the cost of every read; Session is what the app expects');
}

export class CosmosStore implements Store {
  readonly kind: StoreKind;
  readonly description: string;
  readonly attachedToRunningApp: boolean;
  private readonly collections = new Map<ContainerName, CosmosCollection<Doc>>();
  private readonly closeHooks: (() => Promise<void>)[] = [];

  private constructor(
    private readonly options: CosmosStoreOptions,
    private readonly database: Database,
    attached = false,
  ) {
    this.kind = options.kind;
    this.description = options.description;
    this.attachedToRunningApp = attached;
    for (const name of CONTAINER_NAMES) this.collections.set(name, new CosmosCollection(database.container(name), name));
  }

  /**
   * The database another running process of this app serves and has already set up: no container
   * is created or checked, which saves a command line run a dozen round trips before its first read.
   */
  static attach(options: Omit<CosmosStoreOptions, 'canCreate'>): CosmosStore {
    return new CosmosStore({ ...options, canCreate: false }, options.client.database(options.databaseId), true);
  }

  static async open(options: CosmosStoreOptions): Promise<CosmosStore> {
    const { client, databaseId } = options;
    const drift = (name: ContainerName, live: LiveContainer | undefined) => {
      const differences = live ? containerDrift(name, live) : [];
      if (differences.length)
        options.logger?.warn(
          { container: name, differences },
          'container differs from the code’s definition: apply infra/containers.json (npm run cli -- cosmos setup-script)',
        );
    };
    try {
      await checkAccount(client, options.logger);
      if (options.canCreate) {
        const { database } = await client.databases.createIfNotExists({ id: databaseId });
        for (const name of CONTAINER_NAMES) {
          // An existing container is returned as it is: a later change to the code's policy does not reach it.
          drift(name, (await database.containers.createIfNotExists(containerDefinition(name))).resource);
        }
        return new CosmosStore(options, database);
      }
      const database = client.database(databaseId);
      const missing: string[] = [];
      for (const name of CONTAINER_NAMES) {
        try {
          drift(name, (await database.container(name).read()).resource);
        } catch (e) {
          if (statusOf(e) === 404) missing.push(name);
          else throw e;
        }
      }
      if (missing.length > 0) {
        throw new AppError(
          'STORE_UNAVAILABLE',
          `Database "${databaseId}" lacks containers ${missing.join(', ')}. Keyless access cannot create them: create them from infra/containers.json ("npm run cli -- cosmos setup-script" prints the commands), or set COSMOS_KEY.`,
        );
      }
      return new CosmosStore(options, database);
    } catch (e) {
      if (isAppError(e)) throw e;
      throw new AppError('STORE_UNAVAILABLE', `Cannot open the Cosmos DB database "${databaseId}" at ${options.description}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  collection<T extends Doc>(name: ContainerName): Collection<T> {
    return this.collections.get(name) as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    try {
      await this.database.read();
    } catch (e) {
      translate(e, 'health check');
    }
  }

  onClose(hook: () => Promise<void>): void {
    this.closeHooks.push(hook);
  }

  async close(): Promise<void> {
    for (const hook of this.closeHooks.splice(0)) await hook();
    this.options.client.dispose();
    await this.options.onClose?.();
  }
}
