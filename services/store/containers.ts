import { PartitionKeyKind } from '@azure/cosmos';

/**
 * The containers, each partitioned by /orgId, with the properties each one's repository queries
 * filter on (services/<area>/repository.ts). Indexing is opt-in: only these paths are indexed and
 * everything else (free text, card bodies, histories, sealed answers) is not, because every indexed
 * property costs request units on every write (https://learn.microsoft.com/azure/cosmos-db/index-policy).
 * A query on a path left out still works, by reading every document of the organisation: the test
 * test/services/store/indexing-policy.test.ts fails when a repository query filters on a path not
 * listed here. "[]" is any element of an array (for ARRAY_CONTAINS); "/orgId" is in every query.
 */
export const CONTAINERS = {
  organisations: { indexed: ['/kind', '/tenantIds/[]'] },
  plans: { indexed: [] },
  /** Actions, and the older updates of long-lived ones (kind 'history-part', services/plan/history.ts). */
  actions: { indexed: ['/id', '/planId', '/leadIds/[]', '/open', '/nextDueDate', '/ongoing', '/status', '/ref', '/review/reviewId'] },
  people: { indexed: ['/id', '/agency', '/roles/[]', '/roleGrants', '/active', '/leftOn', '/aadObjectId', '/email'] },
  conversations: { indexed: ['/kind', '/personId', '/unlinked/lastTriedAt', '/reachable'], ttl: true },
  /** One item per proactive message: the delivery engine's durable queue. */
  outbox: {
    indexed: [
      '/id',
      '/purpose',
      '/status',
      '/nextAttemptAt',
      '/leaseUntil',
      '/sentAt',
      '/createdAt',
      '/bodyRemovedAt',
      '/conversationKey',
      '/activityId',
      '/recipient/personId',
      '/seenAt',
    ],
    ttl: true,
  },
  /** Scheduler slots: one per job run across instances, each expiring (per-item ttl) a week after its last write. */
  jobs: { indexed: ['/kind', '/expiresAt'], ttl: true },
  /** Update rounds ("all leads update by <date>"), with the leads each asked. */
  rounds: { indexed: ['/kind', '/status'] },
  /** HR: the course catalogue, role requirements and training records. */
  training: { indexed: ['/kind', '/personId', '/agency', '/courseCode', '/completedOn', '/status', '/review'] },
  /** Escalations and concerns: the central record, each with its full history. */
  escalations: { indexed: ['/kind', '/status', '/raisedAt', '/resolvedAt'] },
  /**
   * Questionnaires, campaigns and answers. Answers sit in shared documents apart from the
   * "has responded" markers, so anonymous answers cannot be tied to a person.
   */
  surveys: { indexed: ['/kind', '/campaignId', '/personId', '/personIds/[]'] },
  /** Reaching people: per person, whether the app could be installed for them and why not; Graph problems reported once. */
  reach: { indexed: ['/kind'] },
  /** Who saw or changed what: appended only, kept AUDIT_RETENTION_YEARS (per-item ttl on Azure). */
  audit: { indexed: ['/kind', '/at', '/who', '/record/kind', '/record/id'], ttl: true },
} satisfies Record<string, ContainerSpec>;

/** The paths a container's repository queries filter on (the only ones indexed), and whether its items may expire: the kernel's above, and each feature module's own. */
export type ContainerSpec = { indexed: string[]; ttl?: true };

/**
 * Feature modules name their containers here by declaration merging
 * (`declare module '…/store/containers' { interface FeatureContainers { assessments: true } }`),
 * so `store.collection('assessments')` is type-checked like the kernel's.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FeatureContainers {}

export type ContainerName = keyof typeof CONTAINERS | keyof FeatureContainers;
const featureContainers = new Map<string, ContainerSpec>();
/** Every container: the kernel's, then those of the registered feature modules (appended by registerContainers). */
export const CONTAINER_NAMES = Object.keys(CONTAINERS) as ContainerName[];

/** Called once per feature module by the composition root, before the store is opened. */
export function registerContainers(specs: Record<string, ContainerSpec>): void {
  for (const [name, spec] of Object.entries(specs)) {
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(name)) throw new Error(`Container name "${name}" must be lower-case letters, digits and -.`);
    if (CONTAINER_NAMES.includes(name as ContainerName)) throw new Error(`Container "${name}" is declared twice.`);
    featureContainers.set(name, spec);
    CONTAINER_NAMES.push(name as ContainerName);
  }
}

const specOf = (name: ContainerName): ContainerSpec => (CONTAINERS as Record<string, ContainerSpec>)[name] ?? featureContainers.get(name)!;

/** Every container is partitioned by organisation (see DESIGN: one logical partition per organisation). */
export const PARTITION_KEY_PATH = '/orgId';

/** The partition key, which every query filters on. */
const ALWAYS_INDEXED = [PARTITION_KEY_PATH];

/** Opt-in indexing: nothing but the container's queried paths, each as a scalar ("/?"). */
export function indexingPolicy(name: ContainerName) {
  return {
    indexingMode: 'consistent' as const,
    automatic: true,
    includedPaths: [...ALWAYS_INDEXED, ...specOf(name).indexed].map((p) => ({ path: `${p}/?` })),
    excludedPaths: [{ path: '/*' }, { path: '/"_etag"/?' }],
  };
}

/**
 * A container exactly as Cosmos DB is asked to create it: the app creates containers with this
 * when it holds a key, and infrastructure as code (infra/containers.json, written from this by
 * `npm run infra:containers`) creates them for keyless deployments, so the two cannot drift.
 * Containers whose items may carry a per-item `ttl` (services/retention/schedule.ts) have TTL on
 * with no default (-1), so only items that say how long they live expire. Azure Cosmos DB enforces
 * it; the embedded server ignores it, and housekeeping does the same work there.
 */
export function containerDefinition(name: ContainerName) {
  return {
    id: name,
    partitionKey: { paths: [PARTITION_KEY_PATH], kind: PartitionKeyKind.Hash, version: 2 },
    indexingPolicy: indexingPolicy(name),
    ...(specOf(name).ttl ? { defaultTtl: -1 } : {}),
  };
}

export const containerDefinitions = () => CONTAINER_NAMES.map(containerDefinition);
