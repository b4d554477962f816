import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../services/core/logger';
import { openEmbeddedStore } from '../../services/store/embedded';
import type { Store } from '../../services/store/ports';

/** A fresh embedded Cosmos server over HTTP, in memory only. */
export function openTestStore(): Promise<Store> {
  return openEmbeddedStore({ dataDir: 'unused', databaseId: 'test', port: 0, snapshotIntervalSeconds: 3600, logger: silentLogger, persist: false });
}

/** An embedded store that saves to a new temporary data folder, as `npm start` does. */
export async function openPersistentTestStore(dataDir?: string): Promise<{ store: Store; dataDir: string }> {
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'sat-data-')));
  const store = await openEmbeddedStore({ dataDir: dir, databaseId: 'test', port: 0, snapshotIntervalSeconds: 3600, logger: silentLogger });
  return { store, dataDir: dir };
}
