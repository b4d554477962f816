import type http from 'node:http';
import { Readable } from 'node:stream';
import { idProblem, MAX_ITEM_BYTES, pointReadCharge, queryCharge, writeCharge } from './azure-cost';

/**
 * The embedded store's Azure profile (EMBEDDED_PROFILE=azure): a layer in front of the embedded
 * server's handlers that answers as Azure Cosmos DB does where the server would not, so the real
 * @azure/cosmos SDK sees Cosmos DB's status codes and headers:
 * - 413 for an item over 2 MB and 400 for an id Cosmos DB refuses;
 * - `x-ms-request-charge` on every response, from services/store/azure-cost.ts;
 * - 429 with `x-ms-retry-after-ms` once a container has spent its RU for the current second;
 * - a round trip of `latencyMs` (with jitter) on every request;
 * - TTL: items whose container has TTL on expire `ttl` (else `defaultTtl`) seconds after their last write.
 */
export type AzureProfileSettings = {
  /** Each container's budget, RU per second (Cosmos DB provisions throughput per container here). */
  ruPerSecond: number;
  /** Added to every request; 0 for none. */
  latencyMs: number;
};

/** What the store charged, for tests and benchmarks that add up the RU of an operation. */
export class RequestMeter {
  totalRu = 0;
  requests = 0;
  throttled = 0;
  /** Requests sent at Low priority (`x-ms-cosmos-priority-level: Low`): background work. */
  lowPriority = 0;
  readonly byContainer = new Map<string, number>();

  record(container: string | undefined, ru: number): void {
    this.totalRu += ru;
    this.requests += 1;
    if (container) this.byContainer.set(container, (this.byContainer.get(container) ?? 0) + ru);
  }

  /** The RU `work` costs: the meter's total after it minus before. */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; ru: number }> {
    const before = this.totalRu;
    const result = await work();
    return { result, ru: Math.round((this.totalRu - before) * 100) / 100 };
  }
}

type IndexingPolicy = { includedPaths?: { path: string }[]; excludedPaths?: { path: string }[] };

/** A policy path ("/a/[]/?", "/b/*", "/\"_etag\"/?") as segments and whether it names the scalar only. */
function policyPath(path: string): { segments: string[]; exact: boolean } {
  const parts = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replace(/^"(.*)"$/, '$1'));
  const last = parts.pop();
  return { segments: parts, exact: last === '?' };
}

/**
 * Whether Cosmos DB indexes the property at `path` (segments; "[]" for any array element) under
 * `policy`: the most precise matching path decides, excluded winning a tie
 * (https://learn.microsoft.com/azure/cosmos-db/index-policy). No policy means the default: everything.
 */
export function isIndexedPath(policy: IndexingPolicy | undefined, path: readonly string[]): boolean {
  if (!policy) return true;
  let best = -1;
  let indexed = false;
  const consider = (paths: { path: string }[] | undefined, verdict: boolean) => {
    for (const { path: p } of paths ?? []) {
      const { segments, exact } = policyPath(p);
      const matches = exact ? segments.length === path.length : segments.length <= path.length;
      if (!matches || !segments.every((s, i) => s === path[i])) continue;
      if (segments.length > best || (segments.length === best && !verdict)) {
        best = segments.length;
        indexed = verdict;
      }
    }
  };
  consider(policy.includedPaths, true);
  consider(policy.excludedPaths, false);
  return best >= 0 && indexed;
}

/**
 * The bytes of `doc`'s scalar values (with their names) that lie under indexed paths, and in all.
 * System properties (`_rid`, `_etag`, ...) are left out: Microsoft's table is for whole items as stored.
 */
function indexedShare(doc: unknown, policy: IndexingPolicy | undefined): { indexed: number; all: number } {
  let indexed = 0;
  let all = 0;
  const walk = (value: unknown, path: string[], name: string) => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, [...path, '[]'], ''));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (path.length > 0 || !k.startsWith('_')) walk(v, [...path, k], k);
    } else {
      const bytes = (typeof value === 'string' ? Buffer.byteLength(value) + 2 : String(value).length) + Buffer.byteLength(name);
      all += bytes;
      if (isIndexedPath(policy, path)) indexed += bytes;
    }
  };
  walk(doc, [], '');
  return { indexed, all };
}

function writeChargeOf(doc: unknown, bytes: number, policy: IndexingPolicy | undefined): number {
  const { indexed, all } = indexedShare(doc, policy);
  return writeCharge(bytes, all > 0 ? (bytes * indexed) / all : bytes);
}

/* The embedded server's stored data, reached through its account (exposed by the patch in patches/). */
type StoredDoc = Record<string, unknown> & { id: string; _ts: number; ttl?: unknown };
type Documents = {
  _item(keyPath: string, id: string, partition: unknown): { read(): StoredDoc | undefined };
  _getPartition(doc: unknown): unknown;
  delete(id: string, partition: unknown): void;
};
type CollectionItem = { read(): ({ indexingPolicy?: IndexingPolicy; defaultTtl?: number } & Record<string, unknown>) | undefined; documents: Documents };
type Account = { database(id: string): { read(): unknown; collection(id: string): CollectionItem } };

function collectionOf(server: http.Server, db: string, coll: string): CollectionItem | undefined {
  const account = (server as unknown as { cosmosAccount?: Account }).cosmosAccount;
  try {
    const database = account?.database(db);
    if (!database?.read()) return undefined;
    const collection = database.collection(coll);
    return collection.read() ? collection : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads a request body whole, and a stand-in request that yields it again for the server's handler. */
async function buffered(req: http.IncomingMessage): Promise<{ body: Buffer; req: http.IncomingMessage }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const again = Readable.from([body]) as unknown as http.IncomingMessage;
  Object.assign(again, { headers: req.headers, method: req.method, url: req.url, httpVersion: req.httpVersion });
  return { body, req: again };
}

function refuse(res: http.ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-ms-request-charge': '0',
    'x-ms-activity-id': '00000000-0000-0000-0000-000000000000',
    ...extra,
  });
  res.end(JSON.stringify({ code, message }));
}

type Operation = 'read' | 'create' | 'replace' | 'delete' | 'patch' | 'query' | 'query-plan' | 'feed' | 'batch' | 'metadata';

function operationOf(req: http.IncomingMessage, docId: string | undefined, isDocs: boolean): Operation {
  if (!isDocs) return 'metadata';
  const h = req.headers;
  if (docId !== undefined) {
    if (req.method === 'GET') return 'read';
    if (req.method === 'PUT') return 'replace';
    if (req.method === 'DELETE') return 'delete';
    if (req.method === 'PATCH') return 'patch';
    return 'metadata';
  }
  if (req.method === 'GET') return 'feed';
  if (h['x-ms-cosmos-is-query-plan-request'] === 'True' || h['x-ms-cosmos-is-query-plan-request'] === 'true') return 'query-plan';
  if (h['x-ms-documentdb-isquery'] === 'True' || h['x-ms-documentdb-isquery'] === 'true') return 'query';
  if (h['x-ms-cosmos-is-batch-request'] === 'True' || h['x-ms-cosmos-is-batch-request'] === 'true') return 'batch';
  return 'create'; // create or upsert
}

/** Why Cosmos DB would refuse to store `doc` (413 or 400), or undefined. */
function itemProblem(doc: unknown, bytes: number): { status: number; code: string; message: string } | undefined {
  if (bytes > MAX_ITEM_BYTES)
    return {
      status: 413,
      code: 'RequestEntityTooLarge',
      message: `Request size is too large: the item is ${bytes} bytes, over Cosmos DB's ${MAX_ITEM_BYTES}.`,
    };
  const problem = idProblem((doc as { id?: unknown } | null)?.id);
  return problem ? { status: 400, code: 'BadRequest', message: `The input name is invalid: ${problem}.` } : undefined;
}

type ContainerState = { window: number; used: number; expiries: Map<string, { id: string; partition: unknown; at: number }>; next: number };

/**
 * Puts the profile in front of `server`'s request handlers. Call it right after creating the
 * server, before anything else listens for requests (master-key checks wrap it afterwards).
 */
export function applyAzureProfile(server: http.Server, settings: AzureProfileSettings, meter?: RequestMeter, now: () => number = Date.now): void {
  const handlers = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  const containers = new Map<string, ContainerState>();
  const stateOf = (key: string) => {
    let s = containers.get(key);
    if (!s) containers.set(key, (s = { window: 0, used: 0, expiries: new Map(), next: Infinity }));
    return s;
  };

  /** Deletes what has expired, as Cosmos DB's TTL does (in the background, free of charge; expired items are never served). */
  const expire = (state: ContainerState, collection: CollectionItem | undefined) => {
    const seconds = Math.floor(now() / 1000);
    if (seconds < state.next) return;
    state.next = Infinity;
    for (const [key, e] of state.expiries) {
      if (e.at <= seconds) {
        state.expiries.delete(key);
        try {
          collection?.documents.delete(e.id, e.partition);
        } catch {
          // already gone
        }
      } else state.next = Math.min(state.next, e.at);
    }
  };

  /** Remembers when a just-written item expires: its own `ttl`, else the container's `defaultTtl`; -1 or neither never. */
  const track = (state: ContainerState, collection: CollectionItem, doc: StoredDoc) => {
    const defaultTtl = collection.read()?.defaultTtl;
    const partition = collection.documents._getPartition(doc);
    const key = JSON.stringify([partition, doc.id]);
    state.expiries.delete(key);
    if (defaultTtl === undefined || defaultTtl === null) return; // TTL off: per-item ttl is ignored
    const ttl = typeof doc.ttl === 'number' ? doc.ttl : defaultTtl;
    if (!(ttl > 0)) return;
    const at = doc._ts + ttl;
    state.expiries.set(key, { id: doc.id, partition, at });
    state.next = Math.min(state.next, at);
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      if (settings.latencyMs > 0) await sleep(settings.latencyMs * (0.75 + Math.random() * 0.5));
      const url = req.url ?? '/';
      const match = /^\/dbs\/([^/?]+)\/colls\/([^/?]+)(\/docs(?:\/([^/?]+))?)?\/?(?:\?|$)/.exec(url);
      const decode = (s: string | undefined) => (s === undefined ? undefined : decodeURIComponent(s));
      const db = decode(match?.[1]);
      const coll = decode(match?.[2]);
      const docId = decode(match?.[4]);
      const op = operationOf(req, docId, match?.[3] !== undefined);
      if (meter && String(req.headers['x-ms-cosmos-priority-level'] ?? '').toLowerCase() === 'low') meter.lowPriority += 1;
      const containerKey = db !== undefined && coll !== undefined ? `${db}/${coll}` : undefined;
      const collection = db !== undefined && coll !== undefined ? collectionOf(server, db, coll) : undefined;
      const policy = collection?.read()?.indexingPolicy;
      const state = containerKey ? stateOf(containerKey) : undefined;
      if (state) expire(state, collection);

      if (state && op !== 'metadata' && op !== 'query-plan') {
        // Each second brings a new budget. A request is admitted while the current second's budget
        // lasts and is charged in full, so one dear request can overdraw it: the debt is paid from
        // the seconds after, during which the container answers 429.
        const t = now();
        const window = Math.floor(t / 1000);
        if (state.window !== window) {
          state.used = Math.max(0, state.used - settings.ruPerSecond * (window - state.window));
          state.window = window;
        }
        if (state.used >= settings.ruPerSecond) {
          if (meter) meter.throttled += 1;
          req.resume();
          const wait = 1000 - (t % 1000) + 1000 * Math.floor((state.used - settings.ruPerSecond) / settings.ruPerSecond);
          refuse(res, 429, 'TooManyRequests', `Request rate is large: the container "${coll}" has used its ${settings.ruPerSecond} RU per second.`, {
            'x-ms-retry-after-ms': String(wait),
            'x-ms-substatus': '3200',
          });
          return;
        }
      }

      if (docId !== undefined) {
        const problem = idProblem(docId);
        if (problem) {
          req.resume();
          refuse(res, 400, 'BadRequest', `The input name is invalid: ${problem}.`);
          return;
        }
      }

      let request = req;
      let written: unknown;
      let batchCharge = 0;
      if (op === 'create' || op === 'replace' || op === 'batch') {
        const { body, req: again } = await buffered(req);
        request = again;
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          parsed = undefined; // the server answers a malformed body itself
        }
        if (op === 'batch' && Array.isArray(parsed)) {
          for (const operation of parsed as { resourceBody?: unknown; id?: string }[]) {
            if (operation?.resourceBody === undefined) {
              batchCharge += pointReadCharge(0);
              continue;
            }
            const bytes = Buffer.byteLength(JSON.stringify(operation.resourceBody));
            const problem = itemProblem(operation.resourceBody, bytes);
            if (problem) return refuse(res, problem.status, problem.code, problem.message);
            batchCharge += writeChargeOf(operation.resourceBody, bytes, policy);
          }
        } else if (op !== 'batch') {
          const problem = itemProblem(parsed, body.length);
          if (problem) return refuse(res, problem.status, problem.code, problem.message);
          written = parsed;
        }
      }
      const deleted =
        op === 'delete' && collection && docId !== undefined ? collection.documents._item('/id', docId, partitionFromHeader(req)).read() : undefined;

      const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
      (res as { end: unknown }).end = (chunk?: unknown, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        const charge = chargeOf(op, ok, text, res, { written, deleted, batchCharge, policy });
        if (!res.headersSent) res.setHeader('x-ms-request-charge', String(charge));
        meter?.record(coll, charge);
        if (state) state.used += charge;
        const ttlOn = collection?.read()?.defaultTtl !== undefined && collection?.read()?.defaultTtl !== null;
        if (ok && state && collection && ttlOn) trackWrites(op, text, (doc) => track(state, collection, doc));
        return end(chunk, ...rest);
      };
      if (request !== req) Object.defineProperty(request, 'socket', { value: req.socket });
      // The patched query engine then plans with the container's indexing policy, as Cosmos DB does.
      if (op === 'query') (request as unknown as { isIndexed: typeof isIndexedPath }).isIndexed = isIndexedPath;
      for (const handle of handlers) handle.call(server, request, res);
    })().catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, 'InternalServerError', (e as Error).message);
    });
  });
}

function partitionFromHeader(req: http.IncomingMessage): unknown {
  const header = req.headers['x-ms-documentdb-partitionkey'];
  try {
    return typeof header === 'string' ? (JSON.parse(header) as unknown[])[0] : undefined;
  } catch {
    return undefined;
  }
}

function chargeOf(
  op: Operation,
  ok: boolean,
  text: string,
  res: http.ServerResponse,
  context: { written: unknown; deleted: StoredDoc | undefined; batchCharge: number; policy: IndexingPolicy | undefined },
): number {
  const bytes = Buffer.byteLength(text);
  switch (op) {
    case 'query-plan':
      return 0; // answered by the gateway, not charged
    case 'metadata':
      return 1;
    case 'read':
      return pointReadCharge(ok ? bytes : 0);
    case 'create':
    case 'replace':
    case 'patch': {
      if (!ok) return pointReadCharge(0);
      // What was sent is what is stored, but for a patch, which sends only the change.
      let stored: unknown = context.written;
      if (op === 'patch') {
        try {
          stored = JSON.parse(text);
        } catch {
          stored = undefined;
        }
      }
      return writeChargeOf(stored, bytes, context.policy);
    }
    case 'delete':
      return ok && context.deleted ? writeChargeOf(context.deleted, Buffer.byteLength(JSON.stringify(context.deleted)), context.policy) : pointReadCharge(0);
    case 'batch':
      return context.batchCharge;
    case 'query': {
      const metrics = String(res.getHeader('x-ms-documentdb-query-metrics') ?? '');
      const count = Number(/retrievedDocumentCount=(\d+)/.exec(metrics)?.[1] ?? 0);
      const size = Number(/retrievedDocumentSize=(\d+)/.exec(metrics)?.[1] ?? 0);
      return queryCharge(count, size);
    }
    case 'feed':
      return queryCharge(Number(res.getHeader('x-ms-item-count') ?? 0), bytes);
  }
}

/** Hands every item a successful write stored to `track` (for TTL). */
function trackWrites(op: Operation, text: string, track: (doc: StoredDoc) => void): void {
  if (op !== 'create' && op !== 'replace' && op !== 'patch' && op !== 'batch') return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  const docs = op === 'batch' ? ((body as { resourceBody?: StoredDoc }[]) ?? []).map((r) => r?.resourceBody) : [body as StoredDoc];
  for (const doc of docs) if (doc && typeof doc.id === 'string' && typeof doc._ts === 'number') track(doc);
}
