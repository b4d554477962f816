/**
 * What Azure Cosmos DB (API for NoSQL) charges and refuses, as Microsoft documents it: the one
 * cost model of the embedded store's Azure profile (services/store/azure-profile.ts). Figures are
 * request units (RU) at Session or Eventual consistency, the account default this app expects.
 */

/**
 * Point reads and writes by item size, from Microsoft's table in "Understand request unit
 * consumption" (https://learn.microsoft.com/azure/cosmos-db/understand-request-unit-consumption):
 * [KB, read RU, write RU]. Writes there are measured with the default policy, every property indexed.
 * "A point read for a 1-KB item is equivalent to one Request Unit"
 * (https://learn.microsoft.com/azure/cosmos-db/request-units).
 */
const BY_SIZE: readonly (readonly [number, number, number])[] = [
  [1, 1.0, 4.95],
  [2, 1.04, 6.29],
  [4, 1.14, 6.67],
  [8, 1.33, 7.04],
  [16, 1.67, 9.52],
  [32, 2.19, 11.23],
  [64, 4.76, 22.67],
  [128, 9.95, 48.19],
  [256, 20.28, 98.29],
  [512, 40.95, 184.57],
  [1024, 145.9, 625.0],
  [2048, 291.8, 1250.0],
];

/** Straight lines between the table's rows; at or below 1 KB the 1 KB figure. */
function bySize(bytes: number, column: 1 | 2): number {
  const kb = bytes / 1024;
  if (kb <= BY_SIZE[0]![0]) return BY_SIZE[0]![column];
  for (let i = 1; i < BY_SIZE.length; i++) {
    const lo = BY_SIZE[i - 1]!;
    const hi = BY_SIZE[i]!;
    if (kb <= hi[0] || i === BY_SIZE.length - 1) return lo[column] + ((hi[column] - lo[column]) * (kb - lo[0])) / (hi[0] - lo[0]);
  }
  /* c8 ignore next */
  return BY_SIZE[BY_SIZE.length - 1]![column];
}

/**
 * Microsoft says writes cost less when fewer properties are indexed ("limit the number of indexed
 * properties", https://learn.microsoft.com/azure/cosmos-db/request-units, and
 * https://learn.microsoft.com/azure/cosmos-db/index-policy) but publishes no figure per property.
 * Planning assumption, on the conservative side: what a write costs beyond the 1 KB write is half
 * index maintenance, saved in proportion to the share of the item's bytes under excluded paths. No
 * write costs less than the table's 1 KB write.
 */
const INDEX_SHARE_OF_WRITE = 0.5;

/**
 * Queries: "the number of items loaded or returned, the number of lookups against the index,
 * query compilation time" (https://learn.microsoft.com/azure/cosmos-db/optimize-cost-reads-writes),
 * with no published formula. A planning fit: a fixed cost per page plus a cost per document and per
 * MB loaded, calibrated on Microsoft's published scan of 60,951 documents / 400 MB for 4,059.95 RU
 * (https://learn.microsoft.com/azure/cosmos-db/nosql/troubleshoot-query-performance) and on about
 * 5 RU for a page of 100 documents of 1 KB. A projection still loads whole documents.
 */
const QUERY_BASE_RU = 2.5;
const QUERY_RU_PER_DOCUMENT = 0.03;
const QUERY_RU_PER_MB = 5;

/** Per-item and per-id limits: https://learn.microsoft.com/azure/cosmos-db/concepts-limits */
export const MAX_ITEM_BYTES = 2 * 1024 * 1024;
export const MAX_ID_BYTES = 1023;
/** Characters an id may not hold: https://learn.microsoft.com/dotnet/api/microsoft.azure.cosmos.databaseproperties.id */
export const FORBIDDEN_ID_CHARACTERS = ['/', '\\', '?', '#'] as const;

/** One physical partition serves at most 10,000 RU/s (concepts-limits); every container here is one logical partition. */
export const PARTITION_RU_PER_SECOND = 10_000;

const round2 = (ru: number) => Math.round(ru * 100) / 100;

/** A point read (GET of one item by id and partition key) of an item of `bytes`. Also a 404 costs the 1 KB read. */
export function pointReadCharge(bytes: number): number {
  return round2(bySize(bytes, 1));
}

/**
 * A create, replace, upsert or delete of an item of `bytes`, of which `indexedBytes` lie under
 * paths the container's indexing policy indexes.
 */
export function writeCharge(bytes: number, indexedBytes: number): number {
  const full = bySize(bytes, 2);
  const floor = BY_SIZE[0]![2];
  const indexedShare = bytes > 0 ? Math.min(1, Math.max(0, indexedBytes / bytes)) : 1;
  return round2(full - (full - floor) * INDEX_SHARE_OF_WRITE * (1 - indexedShare));
}

/** One page of a query (or of a read feed) that loaded `documents` documents of `bytes` in all. */
export function queryCharge(documents: number, bytes: number): number {
  return round2(QUERY_BASE_RU + QUERY_RU_PER_DOCUMENT * documents + (QUERY_RU_PER_MB * bytes) / (1024 * 1024));
}

/** Why Cosmos DB would refuse `id` as an item id, or undefined if it would take it. */
export function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id === '') return 'an item needs a non-empty string id';
  const bad = FORBIDDEN_ID_CHARACTERS.find((c) => id.includes(c));
  if (bad) return `the id contains "${bad}", which Cosmos DB does not allow in an id`;
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) return `the id is ${Buffer.byteLength(id, 'utf8')} bytes long, over Cosmos DB's ${MAX_ID_BYTES}`;
  return undefined;
}
