import { promises as fs } from 'node:fs';
import { writePrivateFile } from '../core/private-files';
import { CONTAINER_NAMES, type ContainerName } from './containers';
import type { Doc, Store } from './ports';

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

/** Every document of every container, without the store's system fields. */
export async function takeSnapshot(store: Store, database: string): Promise<Snapshot> {
  const containers = {} as Record<ContainerName, Doc[]>;
  for (const name of CONTAINER_NAMES) {
    const docs: Doc[] = [];
    for await (const doc of store.collection(name).readAll()) docs.push(strip(doc));
    docs.sort((a, b) => (a.orgId + a.id < b.orgId + b.id ? -1 : 1));
    containers[name] = docs;
  }
  return { format: 'safeguarding-snapshot/1', takenAt: new Date().toISOString(), database, containers };
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

const RESTORE_CONCURRENCY = 16;

export async function restoreSnapshot(store: Store, snapshot: Snapshot): Promise<void> {
  for (const name of CONTAINER_NAMES) {
    const docs = snapshot.containers[name] ?? [];
    const collection = store.collection(name);
    let next = 0;
    const worker = async () => {
      while (next < docs.length) {
        const doc = docs[next++]!;
        await collection.upsert(doc);
      }
    };
    await Promise.all(Array.from({ length: Math.min(RESTORE_CONCURRENCY, docs.length) }, worker));
  }
}
