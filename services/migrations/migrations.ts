import path from 'node:path';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { ensurePrivateDir } from '../core/private-files';
import { migrateToPartnership, singleOrganisationPending } from './partnership-migration';
import type { ContainerName } from '../store/containers';
import type { Doc, Store } from '../store/ports';
import { Directory } from '../people/repository';
import { grantsOf, type Person } from '../people/model';
import { openStore } from '../store/open-store';
import { inBackground, type StoreSurface } from '../store/request-priority';
import { takeSnapshot, writeSnapshotFile } from '../store/snapshot';
import { TrainingRepository } from '../training/repository';
import { rebuildTrainingSummaries } from '../training/summaries';

type Migration = {
  id: string;
  description: string;
  run: (store: Store) => Promise<number>;
  /** A migration that rewrites people's records backs everything up first, when it finds work. */
  backupFirst?: (store: Store) => Promise<boolean>;
};

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
  for (const orgId of orgIds)
    if ((await training.hasAny(orgId, 'record')) && !(await training.hasAny(orgId, 'summary'))) built += (await rebuildTrainingSummaries(store, orgId)).written;
  return built;
}

/**
 * Roles were once a bare list on the person. Each role held with no recorded source becomes a grant
 * "from earlier", which no group sync ever removes; the list itself is kept as it is (the access
 * policy and the indexed role look-ups read it). Only people holding more than `officer` and no
 * grants yet are read.
 */
async function recordRoleSources(store: Store): Promise<number> {
  const people = store.collection<Person>('people');
  const orgIds = new Set<string>();
  for await (const doc of store.collection<Doc>('organisations').readAll()) orgIds.add(doc.orgId);
  let recorded = 0;
  for (const orgId of orgIds) {
    for (const p of await new Directory(store).withUnrecordedRoles(orgId)) {
      await people.update(orgId, p.id, (current) => (current.roleGrants ? undefined : { ...current, roleGrants: grantsOf(current) }));
      recorded++;
    }
  }
  return recorded;
}

/**
 * Changes to where data lives, in order. Each is idempotent and finds its own work, so it runs at
 * every start (and after a restore of an older backup) at the cost of one read of what it moves.
 */
export const MIGRATIONS: Migration[] = [
  {
    id: 'rounds-own-container',
    description: 'update rounds move from the scheduler’s jobs container to rounds',
    run: moveKind('update-round', 'jobs', 'rounds'),
  },
  {
    id: 'partnership-agencies',
    description: 'a single organisation becomes a partnership with one lead agency; people and training records take their agency',
    run: migrateToPartnership,
    backupFirst: singleOrganisationPending,
  },
  // After the agencies: summaries carry their person's agency.
  { id: 'training-summaries', description: 'training summaries built for organisations whose records have none', run: buildMissingTrainingSummaries },
  { id: 'role-sources', description: 'roles held before their sources were recorded are kept as grants from earlier', run: recordRoleSources },
];

/** Where migrations that back up first write their backup, and the database name it records. */
export type MigrationBackup = { dir: string; database: string };

export async function migrate(store: Store, logger: Logger, backup?: MigrationBackup): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const migration of MIGRATIONS) {
    if (backup && migration.backupFirst && (await migration.backupFirst(store))) {
      const snapshot = await takeSnapshot(store, backup.database);
      await ensurePrivateDir(backup.dir);
      const file = path.join(backup.dir, `backup-${snapshot.takenAt.replace(/[:.]/g, '-')}-before-${migration.id}.json`);
      await writeSnapshotFile(file, snapshot);
      logger.info({ migration: migration.id, file }, 'backed up before migrating (npm run cli -- restore <file> --replace puts it back)');
    }
    const count = await migration.run(store);
    if (count > 0) {
      moved[migration.id] = count;
      logger.info({ migration: migration.id, documents: count }, migration.description);
    }
  }
  return moved;
}

/**
 * The store the app and the command line work on: opened, then brought up to date. A running app on
 * the same data folder migrated it when it started, so the command line borrows its store as it is.
 */
export async function openMigratedStore(config: Config, logger: Logger, surface: StoreSurface = 'interactive'): Promise<Store> {
  const store = await openStore(config, logger, surface);
  if (store.attachedToRunningApp) return store;
  try {
    // Migrations that rewrite records back everything up to the data folder first.
    await inBackground(() => migrate(store, logger, { dir: path.join(config.DATA_DIR, 'backups'), database: config.COSMOS_DATABASE }));
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
