import { PartitionKeyKind } from '@azure/cosmos';

/**
 * The containers, each partitioned by /orgId. Free text is excluded from indexing: nothing
 * queries it, and indexing it costs RUs on every write.
 */
export const CONTAINERS = {
  organisations: { excludedPaths: [] },
  plans: { excludedPaths: ['/learningPoints/*'] },
  /** Actions, and the older updates of long-lived ones (kind 'history-part', services/plan/history.ts). */
  actions: { excludedPaths: ['/description/?', '/evidence/?', '/progress/?', '/history/*', '/dueText/?', '/imported/*', '/entries/*'] },
  people: { excludedPaths: [] },
  conversations: { excludedPaths: [], ttl: true },
  /** One item per proactive message: the delivery engine's durable queue. */
  outbox: { excludedPaths: ['/message/*', '/lastError/*'], ttl: true },
  /** Scheduler slots: one per job run across instances, each expiring (per-item ttl) a week after its last write. */
  jobs: { excludedPaths: ['/result/*'], ttl: true },
  /** Update rounds ("all leads update by <date>"), with the leads each asked. */
  rounds: { excludedPaths: ['/leads/*'] },
  /** HR: the course catalogue, role requirements and training records. */
  training: { excludedPaths: ['/certificateUrl/?', '/note/?'] },
  /** Escalations and concerns: the central record, each with its full history. */
  escalations: { excludedPaths: ['/history/*', '/summary/?', '/asked/?', '/wanted/?', '/outcome/?'] },
  /**
   * Questionnaires, campaigns and answers. Answers sit in shared documents apart from the
   * "has responded" markers, so anonymous answers cannot be tied to a person.
   */
  surveys: { excludedPaths: ['/entries/*', '/questions/*', '/highlights/*', '/personIds/*', '/labels/*'] },
  /** Reaching people: per person, whether the app could be installed for them and why not; Graph problems reported once. */
  reach: { excludedPaths: ['/reason/?', '/detail/?'] },
  /** Who saw or changed what: appended only, kept AUDIT_RETENTION_YEARS (per-item ttl on Azure). */
  audit: { excludedPaths: ['/detail/?'], ttl: true },
} satisfies Record<string, { excludedPaths: string[]; ttl?: true }>;

export type ContainerName = keyof typeof CONTAINERS;
export const CONTAINER_NAMES = Object.keys(CONTAINERS) as ContainerName[];

/** Every container is partitioned by organisation (see DESIGN: one logical partition per organisation). */
export const PARTITION_KEY_PATH = '/orgId';

export function indexingPolicy(name: ContainerName) {
  return {
    indexingMode: 'consistent' as const,
    automatic: true,
    includedPaths: [{ path: '/*' }],
    excludedPaths: [{ path: '/"_etag"/?' }, ...CONTAINERS[name].excludedPaths.map((path) => ({ path }))],
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
    ...('ttl' in CONTAINERS[name] ? { defaultTtl: -1 } : {}),
  };
}

export const containerDefinitions = () => CONTAINER_NAMES.map(containerDefinition);
