import { promises as fs } from 'node:fs';
import { writePrivateFile } from '../core/private-files';
import { CONTAINER_NAMES, type ContainerName } from './containers';
import type { Doc, Store } from './ports';
import { AppError } from '../core/errors';
import { inBackground } from './request-priority';

export type Snapshot = {
  format: 'safeguarding-snapshot/1';
  takenAt: string;
  database: string;
  containers: Record<ContainerName, Doc[]>;
};

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];

function strip(doc: Doc): Doc {
  const copy: Record<string, unknown> = { ...doc };
  for (const f of SYSTEM_FIELDS) delete copy[f];
  return copy as Doc;
}

/** Every document of every container, without the store's system fields. A backup is background work (Low priority). */
export function takeSnapshot(store: Store, database: string): Promise<Snapshot> {
  return inBackground(async () => {
    const containers = {} as Record<ContainerName, Doc[]>;
    for (const name of CONTAINER_NAMES) {
      const docs: Doc[] = [];
      for await (const doc of store.collection(name).readAll()) docs.push(strip(doc));
      docs.sort((a, b) => (a.orgId + a.id < b.orgId + b.id ? -1 : 1));
      containers[name] = docs;
    }
    return { format: 'safeguarding-snapshot/1' as const, takenAt: new Date().toISOString(), database, containers };
  });
}

/** Private to the user running the app, and atomic: a crash leaves the old snapshot or the new one, never half of one. */
export async function writeSnapshotFile(file: string, snapshot: Snapshot): Promise<void> {
  await writePrivateFile(file, JSON.stringify(snapshot));
}

export async function readSnapshot(file: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = JSON.parse(text) as Snapshot;
  if (parsed.format !== 'safeguarding-snapshot/1') throw new Error(`${file} is not a snapshot this version can read`);
  return parsed;
}

/** Documents handed to the store's bulk API at once: memory stays bounded for a large backup. */
const RESTORE_CHUNK = 5000;

/**
 * Writes every document of the snapshot back, through the bulk API (100 to a request) at Low
 * priority. Every document is tried; if any failed, the restore fails naming how many and why.
 */
export function restoreSnapshot(store: Store, snapshot: Snapshot): Promise<void> {
  return inBackground(async () => {
    const failures: string[] = [];
    for (const name of CONTAINER_NAMES) {
      const docs = snapshot.containers[name] ?? [];
      for (let from = 0; from < docs.length; from += RESTORE_CHUNK) {
        const outcomes = await store.collection(name).bulk(docs.slice(from, from + RESTORE_CHUNK).map((doc) => ({ kind: 'upsert' as const, doc })));
        outcomes.forEach((o, i) => {
          if (!o.ok) failures.push(`${name}/${docs[from + i]!.id}: ${o.error.message}`);
        });
      }
    }
    if (failures.length) throw new AppError('STORE_UNAVAILABLE', `${failures.length} documents could not be restored, the first: ${failures[0]}`);
  });
}

/**
 * For a restore that must match the backup exactly (`restore --replace`): delete what the backup does not hold. The
 * record of who saw what is kept whole: a restore may not erase who looked at what since.
 */
export async function removeAbsent(store: Store, snapshot: Snapshot): Promise<number> {
  let removed = 0;
  for (const name of CONTAINER_NAMES.filter((n) => n !== 'audit')) {
    const keep = new Set((snapshot.containers[name] ?? []).map((d) => `${d.orgId}/${d.id}`));
    const collection = store.collection(name);
    const extra: { orgId: string; id: string }[] = [];
    for await (const doc of collection.readAll()) if (!keep.has(`${doc.orgId}/${doc.id}`)) extra.push(doc);
    const outcomes = await collection.bulk(extra.map((doc) => ({ kind: 'delete' as const, orgId: doc.orgId, id: doc.id })));
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length)
      throw new AppError(
        'STORE_UNAVAILABLE',
        `${failed.length} documents of ${name} the backup does not hold could not be deleted: ${failed[0]!.ok ? '' : failed[0]!.error.message}`,
      );
    removed += extra.length;
  }
  return removed;
}
