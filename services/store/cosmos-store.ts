import { CosmosClient, type Container, type Database, type ItemDefinition } from '@azure/cosmos';
import { AppError, isAppError } from '../core/errors';
import { idProblem } from './azure-cost';
import { CONTAINER_NAMES, containerDefinition, type ContainerName } from './containers';
import type { Collection, Doc, Page, QuerySpec, Store, StoreKind, Stored } from './ports';

const MAX_UPDATE_ATTEMPTS = 8;
/** Spread re-tries of contended updates so concurrent writers do not collide again in lockstep. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
const ORG_FILTER = /\bc\.orgId\s*=\s*@orgId\b/;

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
  if (status === 413) throw new AppError('ITEM_TOO_LARGE', `The ${doc ? describeRecord(what, doc) : what} is too large for the data store, which takes at most 2 MB per record.`, { cause: e });
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
  constructor(private readonly container: Container, private readonly name: ContainerName) {}

  async read(orgId: string, id: string): Promise<Stored<T> | undefined> {
    try {
      const { resource } = await this.container.item(id, orgId).read<Stored<T>>();
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
      const { resource } = await this.container.items.create<T>(doc);
      return resource as unknown as Stored<T>;
    } catch (e) {
      return translate(e, `new ${this.name} item`, doc);
    }
  }

  async replace(doc: Stored<T>): Promise<Stored<T>> {
    try {
      const { resource } = await this.container
        .item(doc.id, doc.orgId)
        .replace<T>(doc, { accessCondition: { type: 'IfMatch', condition: doc._etag } });
      return resource as unknown as Stored<T>;
    } catch (e) {
      return translate(e, `${this.name} item`, doc);
    }
  }

  async upsert(doc: T): Promise<Stored<T>> {
    assertWritableId(doc.id, `${this.name} item`);
    try {
      const { resource } = await this.container.items.upsert<T>(doc);
      return resource as unknown as Stored<T>;
    } catch (e) {
      return translate(e, `${this.name} item`, doc);
    }
  }

  async delete(orgId: string, id: string): Promise<void> {
    try {
      await this.container.item(id, orgId).delete();
    } catch (e) {
      if (statusOf(e) === 404) return;
      translate(e, `${this.name} item`);
    }
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
        items = (await iterator.fetchNext()).resources;
      } catch (e) {
        return translate(e, `query on ${this.name}`);
      }
      yield* items;
    }
  }

  async queryPage(spec: QuerySpec, options: { pageSize: number; continuation?: string }): Promise<Page<Stored<T>>> {
    const iterator = this.iterator(spec, options);
    try {
      const response = await iterator.fetchNext();
      return { items: response.resources, continuation: response.continuationToken ?? undefined };
    } catch (e) {
      return translate(e, `query on ${this.name}`);
    }
  }

  private iterator(spec: QuerySpec, options: { pageSize: number; continuation?: string }) {
    assertOrgScoped(spec);
    const orgId = spec.parameters.find((p) => p.name === '@orgId')?.value as string;
    return this.container.items.query<Stored<T>>(spec as never, { maxItemCount: options.pageSize, continuationToken: options.continuation, partitionKey: orgId });
  }

  async *readAll(): AsyncIterable<Stored<T>> {
    try {
      const iterator = this.container.items.readAll<Stored<T> & ItemDefinition>({ maxItemCount: 1000 });
      while (iterator.hasMoreResults()) {
        const { resources } = await iterator.fetchNext();
        yield* resources;
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
};

export class CosmosStore implements Store {
  readonly kind: StoreKind;
  readonly description: string;
  readonly attachedToRunningApp: boolean;
  private readonly collections = new Map<ContainerName, CosmosCollection<Doc>>();
  private readonly closeHooks: (() => Promise<void>)[] = [];

  private constructor(private readonly options: CosmosStoreOptions, private readonly database: Database, attached = false) {
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
    try {
      if (options.canCreate) {
        const { database } = await client.databases.createIfNotExists({ id: databaseId });
        for (const name of CONTAINER_NAMES) {
          await database.containers.createIfNotExists(containerDefinition(name));
        }
        return new CosmosStore(options, database);
      }
      const database = client.database(databaseId);
      const missing: string[] = [];
      for (const name of CONTAINER_NAMES) {
        try {
          await database.container(name).read();
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
      throw new AppError('STORE_UNAVAILABLE', `Cannot open the Cosmos DB database "${databaseId}" at ${options.description}: ${(e as Error).message}`, { cause: e });
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
