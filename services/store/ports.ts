import type { ContainerName } from './containers';

/** Every stored document belongs to one organisation; `/orgId` is the partition key everywhere. */
export type Doc = { id: string; orgId: string };
export type Stored<T extends Doc> = T & { _etag: string };

/** One write of a bulk request: everything in one call to the store, which sends them 100 to a request. */
/** `replace` writes only if the document's `_etag` still matches (its outcome is then a CONFLICT error, the caller's to read again). */
export type BulkOperation<T extends Doc> =
  { kind: 'create' | 'upsert'; doc: T } | { kind: 'replace'; doc: Stored<T> } | { kind: 'delete'; orgId: string; id: string };
/** Each operation's outcome, in order: one failing never stops the others. A delete of what is gone is ok. */
export type BulkOutcome = { ok: true } | { ok: false; error: Error & { code: string } };

export type QuerySpec = { query: string; parameters: { name: string; value: unknown }[] };
export type Page<T> = { items: T[]; continuation?: string };

export interface Collection<T extends Doc> {
  read(orgId: string, id: string): Promise<Stored<T> | undefined>;
  /** Fails with ALREADY_EXISTS when the id is taken: the way to claim something once. */
  create(doc: T): Promise<Stored<T>>;
  /** Replaces only if the stored `_etag` still matches; otherwise CONFLICT. */
  replace(doc: Stored<T>): Promise<Stored<T>>;
  upsert(doc: T): Promise<Stored<T>>;
  /**
   * Creates `doc`, or reads the item of that id that exists already (created: false). Safe when
   * another instance created it a moment before and this one's read cannot see it yet; CONFLICT if
   * it still cannot.
   */
  createOrRead(doc: T): Promise<{ doc: Stored<T>; created: boolean }>;
  /**
   * Many creates, upserts and deletes through Cosmos DB's bulk API: for imports, restores and
   * housekeeping, where item-by-item round trips would take minutes on Azure.
   */
  bulk(operations: BulkOperation<T>[]): Promise<BulkOutcome[]>;
  delete(orgId: string, id: string): Promise<void>;
  /**
   * Read, change and write back with the etag, re-reading and re-applying on a conflict.
   * `change` returns the new document, or `undefined` to leave it as it is. Pass `current` when
   * the caller has just read the document, to save the first read.
   */
  update(orgId: string, id: string, change: (current: Stored<T>) => T | undefined, current?: Stored<T>): Promise<Stored<T>>;
  /**
   * Every query must filter on `c.orgId = @orgId` itself (the embedded server ignores partition keys).
   * `pageSize` (default 500) is how many items each round trip brings: larger for whole-organisation scans.
   */
  query(spec: QuerySpec, options?: { pageSize?: number }): AsyncIterable<Stored<T>>;
  queryPage(spec: QuerySpec, options: { pageSize: number; continuation?: string }): Promise<Page<Stored<T>>>;
  /** Every document of every organisation: for snapshots and backups only. */
  readAll(): AsyncIterable<Stored<T>>;
}

export type StoreKind = 'azure' | 'embedded';

export interface Store {
  readonly kind: StoreKind;
  /** Human-readable, secret-free description for logs and /healthz. */
  readonly description: string;
  /** The embedded store of another running process of this app, borrowed by the command line: that process created and migrated it. */
  readonly attachedToRunningApp?: boolean;
  collection<T extends Doc>(name: ContainerName): Collection<T>;
  ping(): Promise<void>;
  /** Runs `hook` when the store is closing, before it closes: what is queued for the store (audit entries) is written first. */
  onClose(hook: () => Promise<void>): void;
  close(): Promise<void>;
}

/**
 * How many ids one `ARRAY_CONTAINS(@ids, c.id)` query takes: a set look-up by ids in a few
 * queries instead of one point read each. Small enough to keep the query text well inside
 * Cosmos DB's limits, large enough that 10,000 ids take 20 queries.
 */
export const IDS_PER_QUERY = 500;

export function idChunks<T>(ids: readonly T[], size = IDS_PER_QUERY): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  return chunks;
}

export async function toArray<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
