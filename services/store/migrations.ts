import type { Logger } from '../core/logger';
import type { ContainerName } from './containers';
import type { Doc, Store } from './ports';
import { TrainingRepository } from '../training/repository';
import { rebuildTrainingSummaries } from '../training/summaries';

type Migration = { id: string; description: string; run: (store: Store) => Promise<number> };

/** Moves every document of one kind from one container to another: written first, then removed, so a failure part-way loses nothing. */
function moveKind(kind: string, from: ContainerName, to: ContainerName): (store: Store) => Promise<number> {
  return async (store) => {
    const source = store.collection<Doc & { kind?: string }>(from);
    const target = store.collection<Doc>(to);
    const found: (Doc & { kind?: string })[] = [];
    for await (const doc of source.readAll()) if (doc.kind === kind) found.push(doc);
    for (const doc of found) {
      const { _etag, _rid, _self, _ts, _attachments, ...plain } = doc as Doc & Record<string, unknown>;
      await target.upsert(plain as Doc);
      await source.delete(doc.orgId, doc.id);
    }
    return found.length;
  };
}

/** Organisations with training records but no summaries yet (data from before summaries existed) get them built once. */
async function buildMissingTrainingSummaries(store: Store): Promise<number> {
  const training = new TrainingRepository(store);
  const orgIds = new Set<string>();
  for await (const doc of store.collection<Doc>('organisations').readAll()) orgIds.add(doc.orgId);
  let built = 0;
  for (const orgId of orgIds) if ((await training.hasAny(orgId, 'record')) && !(await training.hasAny(orgId, 'summary'))) built += (await rebuildTrainingSummaries(store, orgId)).written;
  return built;
}

/**
 * Changes to where data lives, in order. Each is idempotent and finds its own work, so it runs at
 * every start (and after a restore of an older backup) at the cost of one read of what it moves.
 */
export const MIGRATIONS: Migration[] = [
  { id: 'rounds-own-container', description: 'update rounds move from the scheduler’s jobs container to rounds', run: moveKind('update-round', 'jobs', 'rounds') },
  { id: 'training-summaries', description: 'training summaries built for organisations whose records have none', run: buildMissingTrainingSummaries },
];

export async function migrate(store: Store, logger: Logger): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const migration of MIGRATIONS) {
    const count = await migration.run(store);
    if (count > 0) {
      moved[migration.id] = count;
      logger.info({ migration: migration.id, documents: count }, migration.description);
    }
  }
  return moved;
}
