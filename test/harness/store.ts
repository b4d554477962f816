// The app's feature modules, registered as the app registers them: a test store then has their containers too.
import '../../bot/modules';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../services/core/logger';
import type { AzureProfileSettings, RequestMeter } from '../../services/store/azure-profile';
import { openEmbeddedStore } from '../../services/store/embedded';
import type { ContainerName } from '../../services/store/containers';
import type { Collection, Doc, Store } from '../../services/store/ports';

/**
 * A fresh embedded Cosmos server over HTTP, in memory only, with the Azure profile's limits on:
 * items over 2 MB, bad ids, TTL and RU charges behave as on Azure Cosmos DB. No latency, and a
 * budget no test reaches: suites about latency or throttling set those themselves.
 */
export function openTestStore(options: { azureProfile?: Partial<AzureProfileSettings>; meter?: RequestMeter } = {}): Promise<Store> {
  return openEmbeddedStore({
    dataDir: 'unused',
    databaseId: 'test',
    port: 0,
    snapshotIntervalSeconds: 3600,
    logger: silentLogger,
    persist: false,
    azureProfile: { ruPerSecond: 1_000_000_000, latencyMs: 0, ...options.azureProfile },
    meter: options.meter,
  });
}

/** An embedded store that saves to a new temporary data folder, as `npm start` does. */
export async function openPersistentTestStore(dataDir?: string): Promise<{ store: Store; dataDir: string }> {
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'sat-data-')));
  const store = await openEmbeddedStore({ dataDir: dir, databaseId: 'test', port: 0, snapshotIntervalSeconds: 3600, logger: silentLogger });
  return { store, dataDir: dir };
}

/**
 * The same store, counting every call made through it ("outbox.query", "people.read", ...), so a
 * test can say that a request did no store work at all.
 */
export function countingStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const counted = (name: string, target: object) =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(prop)}`);
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  const wrapped: Store = {
    get kind() {
      return store.kind;
    },
    get description() {
      return store.description;
    },
    collection: <T extends Doc>(name: ContainerName) => counted(name, store.collection<T>(name)) as Collection<T>,
    onClose: (hook) => store.onClose(hook),
    ping: () => (calls.push('ping'), store.ping()),
    close: () => store.close(),
  };
  return { store: wrapped, calls };
}

/**
 * The same store, with `meanwhile` run once just before the first write to `container`: what
 * someone else does while a long use case is between reading a container and writing it.
 */
export function withChangeBeforeFirstWrite(store: Store, container: ContainerName, meanwhile: () => Promise<void>): Store {
  let done = false;
  const wrap = <T extends Doc>(col: Collection<T>): Collection<T> =>
    new Proxy(col, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || !['upsert', 'update', 'replace', 'create'].includes(String(prop))) return value;
        return async (...args: unknown[]) => {
          if (!done) {
            done = true;
            await meanwhile();
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'collection')
        return <T extends Doc>(name: ContainerName) => (name === container ? wrap(target.collection<T>(name)) : target.collection<T>(name));
      return Reflect.get(target, prop, receiver);
    },
  });
}
