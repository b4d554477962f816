import { CosmosClient, type RetryOptions } from '@azure/cosmos';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AppError } from '../core/errors';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../core/private-files';
import type { Logger } from '../core/logger';
import type { AzureProfileSettings, RequestMeter } from './azure-profile';
import { CosmosStore } from './cosmos-store';
import { RETRY_OPTIONS, type StoreSurface } from './request-priority';
import { readSnapshot, restoreSnapshot, takeSnapshot, writeSnapshotFile } from './snapshot';

const LOCK_FILE = 'embedded.lock';
const SNAPSHOT_FILE = 'snapshot.json';

/** The lock file is private (0600): it holds the store's per-run key, which is how the CLI gets in. */
type LockInfo = { pid: number; endpoint: string; key: string; startedAt: string };

export type EmbeddedOptions = {
  dataDir: string;
  databaseId: string;
  port: number;
  snapshotIntervalSeconds: number;
  logger: Logger;
  /** Tests use a throw-away store that never touches the disk. */
  persist?: boolean;
  /** Answer as Azure Cosmos DB does (EMBEDDED_PROFILE=azure); unset, the plain embedded server. */
  azureProfile?: AzureProfileSettings;
  /** Adds up the charges of the Azure profile, for tests and benchmarks. */
  meter?: RequestMeter;
  /** Who the store serves, for how long a throttled request is retried (see request-priority.ts); interactive unless said. */
  surface?: StoreSurface;
};

export function embeddedClient(endpoint: string, key: string, retryOptions: RetryOptions = RETRY_OPTIONS.interactive): CosmosClient {
  return new CosmosClient({
    endpoint,
    key,
    // The server's bundled TLS certificate expired in 2021: talk plain HTTP on loopback instead.
    connectionPolicy: { enableEndpointDiscovery: false, retryOptions },
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(1500) });
    return true;
  } catch {
    return false;
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/**
 * Opens the embedded store. If another process of this app already serves DATA_DIR, this one
 * connects to that server over HTTP instead of loading a second copy (two copies would each
 * snapshot over the other's writes). Otherwise it starts the server, restores the last snapshot
 * and keeps saving snapshots until closed.
 */
export async function openEmbeddedStore(options: EmbeddedOptions): Promise<CosmosStore> {
  const persist = options.persist ?? true;
  const dataDir = path.resolve(options.dataDir);
  const lockFile = path.join(dataDir, LOCK_FILE);
  if (persist) {
    await ensurePrivateDir(dataDir);
    const existing = await readLock(lockFile);
    if (existing && isAlive(existing.pid) && existing.pid !== process.pid) {
      if (!existing.key)
        throw new AppError(
          'STORE_LOCKED',
          `The data folder ${dataDir} is held by process ${existing.pid}, an older version without a store key. Stop it and start again.`,
        );
      if (await answers(existing.endpoint)) {
        return CosmosStore.attach({
          kind: 'embedded',
          client: embeddedClient(existing.endpoint, existing.key, RETRY_OPTIONS[options.surface ?? 'interactive']),
          databaseId: options.databaseId,
          description: `embedded store of process ${existing.pid} (${dataDir})`,
        });
      }
      throw new AppError(
        'STORE_LOCKED',
        `The data folder ${dataDir} is locked by process ${existing.pid}, which does not answer. Stop that process, or if it is not this app, delete ${lockFile}.`,
      );
    }
    if (existing) await fs.rm(lockFile, { force: true }); // left behind by a process that died
  }

  // One machine, one user: loopback only, and a random key per run so other local users cannot read it.
  // The server is loaded only here: a command line run that borrows a running app's store never needs it.
  const { createKeyedCosmosServer, newMasterKey } = await import('./master-key-auth.js');
  const key = newMasterKey();
  const server = createKeyedCosmosServer(key, options.azureProfile ? { settings: options.azureProfile, meter: options.meter } : undefined);
  let dirty = false;
  // Queries are POSTs too but change nothing; everything else that is not a read is a write.
  server.on('request', (req: http.IncomingMessage) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers['x-ms-documentdb-isquery'] !== 'true') dirty = true;
  });
  server.listen(options.port, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  if (persist) {
    const lock: LockInfo = { pid: process.pid, endpoint, key, startedAt: new Date().toISOString() };
    try {
      await fs.writeFile(lockFile, JSON.stringify(lock), { flag: 'wx', mode: PRIVATE_FILE_MODE });
    } catch {
      server.close();
      throw new AppError('STORE_LOCKED', `Another process took the data folder ${dataDir} at the same moment. Try again.`);
    }
  }

  const client = embeddedClient(endpoint, key, RETRY_OPTIONS[options.surface ?? 'interactive']);
  const snapshotFile = path.join(dataDir, SNAPSHOT_FILE);
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();

  const save = (store: CosmosStore): Promise<void> => {
    saving = saving.then(async () => {
      if (!dirty) return;
      dirty = false;
      try {
        await writeSnapshotFile(snapshotFile, await takeSnapshot(store, options.databaseId));
      } catch (e) {
        dirty = true;
        options.logger.error({ err: e }, 'embedded store snapshot failed; will retry');
      }
    });
    return saving;
  };

  let store: CosmosStore | undefined;
  const onClose = async () => {
    if (timer) clearInterval(timer);
    if (persist && store) await save(store);
    client.dispose();
    server.closeAllConnections();
    server.close();
    if (persist) await fs.rm(lockFile, { force: true });
  };

  try {
    store = await CosmosStore.open({
      kind: 'embedded',
      client,
      databaseId: options.databaseId,
      description: persist ? `embedded store in ${dataDir}` : 'embedded store in memory (not saved)',
      canCreate: true,
      onClose,
      logger: options.logger,
    });
    if (persist) {
      const snapshot = await readSnapshot(snapshotFile);
      if (snapshot) {
        await restoreSnapshot(store, snapshot);
        options.logger.info({ documents: Object.values(snapshot.containers).reduce((n, d) => n + d.length, 0) }, 'embedded store restored from snapshot');
      }
      dirty = false;
      const current = store;
      timer = setInterval(() => void save(current), options.snapshotIntervalSeconds * 1000);
      timer.unref();
    }
    return store;
  } catch (e) {
    if (store) await store.close();
    else await onClose();
    throw e;
  }
}
