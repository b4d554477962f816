import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
/**
 * The app under test for the latency bench, in its own process: this app on one port; a bare
 * botbuilder handler that only answers the invoke on another; and on a third, the floor of any
 * card answer: the bare handler plus the two store calls an update cannot do without (read the
 * action, write it back with its etag). All against the same store.
 */
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import restify from 'restify';
import { startApp } from '../../bot/app';
import { FixedClock } from '../../services/core/clock';
import { loadConfig } from '../../services/core/config';
import { silentLogger } from '../../services/core/logger';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import type { Store } from '../../services/store/ports';
import type { Action } from '../../services/plan/model';
import { ORG } from '../harness/fixtures';

class Bare extends ActivityHandler {
  protected override async onAdaptiveCardInvoke(): Promise<AdaptiveCardInvokeResponse> {
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'ok' }] },
    };
  }
}

/** Reads and writes a copy of the user's action (`floor-…`, so the app's own versions are untouched), then answers. */
class StoreFloor extends ActivityHandler {
  constructor(private readonly store: Store) {
    super();
  }

  protected override async onAdaptiveCardInvoke(_ctx: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = invoke.action.data as { actionId: string; status: Action['status'] };
    const actions = this.store.collection<Action>('actions');
    const action = (await actions.read(ORG, `floor-${data.actionId}`))!;
    await actions.replace({ ...action, status: data.status, version: action.version + 1 });
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'ok' }] },
    };
  }
}

/** One restify server for a bare handler, as the app's own server is set up. */
async function serve(adapter: CloudAdapter, handler: ActivityHandler): Promise<string> {
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => adapter.process(req, res, (ctx) => handler.run(ctx)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function main() {
  const endpoint = process.argv[2]!;
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(endpoint, process.env.BENCH_STORE_KEY ?? ''),
    databaseId: 'bench',
    description: endpoint,
    canCreate: true,
  });
  const app = await startApp({
    // The benchmark measures the server, not the per-user command limit.
    config: loadConfig({
      PORT: '0',
      DEFAULT_ORG_ID: ORG,
      LOG_LEVEL: 'silent',
      SCHEDULER_ENABLED: 'false',
      SURVEY_SEAL_KEY: randomBytes(32).toString('base64'),
      COMMANDS_PER_MINUTE: '10000',
      DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'bench-app-')),
    }),
    logger: silentLogger,
    store,
    clock: new FixedClock('2026-11-22T10:00:00Z'),
  });
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bare = await serve(adapter, new Bare());
  const floor = await serve(adapter, new StoreFloor(store));
  // Let the delivery loop's first run (which loads the store client's query code) happen before measuring.
  await app.deliverNow();
  process.stdout.write(JSON.stringify({ app: app.url, bare, floor }) + '\n');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
