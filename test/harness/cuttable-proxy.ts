import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { createKeyedCosmosServer, newMasterKey } from '../../services/store/master-key-auth';

/**
 * A TCP proxy in front of a server that a test can cut (every connection dropped, new ones
 * refused) and restore: a store outage as the app sees it, without mocking the store.
 */
export class CuttableProxy {
  private down = false;
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly url: string,
  ) {}

  static async start(targetPort: number): Promise<CuttableProxy> {
    let proxy: CuttableProxy | undefined;
    const server = net.createServer((client) => {
      if (proxy!.down) {
        client.destroy();
        return;
      }
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        proxy!.sockets.add(s);
        s.on('close', () => proxy!.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    proxy = new CuttableProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A Cosmos-compatible server and a store that reaches it only through a cuttable proxy. */
export async function storeBehindProxy(): Promise<{ store: CosmosStore; proxy: CuttableProxy; close(): Promise<void> }> {
  const key = newMasterKey();
  const cosmos = createKeyedCosmosServer(key);
  await new Promise<void>((r) => cosmos.listen(0, '127.0.0.1', () => r()));
  const proxy = await CuttableProxy.start((cosmos.address() as AddressInfo).port);
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(proxy.url, key),
    databaseId: 'faults',
    description: 'behind a cuttable proxy',
    canCreate: true,
  });
  return {
    store,
    proxy,
    async close() {
      await store.close();
      await proxy.close();
      await new Promise<void>((r) => cosmos.close(() => r()));
    },
  };
}
