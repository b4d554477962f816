import { randomBytes } from 'node:crypto';
/**
 * The app under test for the latency bench, in its own process: this app on one port, and a bare
 * botbuilder handler that only answers the invoke on another, both against the same store.
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type AdaptiveCardInvokeResponse } from 'botbuilder';
import restify from 'restify';
import { startApp } from '../../bot/app';
import { FixedClock } from '../../services/core/clock';
import { loadConfig } from '../../services/core/config';
import { silentLogger } from '../../services/core/logger';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { ORG } from '../harness/fixtures';

class Bare extends ActivityHandler {
  protected override async onAdaptiveCardInvoke(): Promise<AdaptiveCardInvokeResponse> {
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'ok' }] } };
  }
}

async function main() {
  const endpoint = process.argv[2]!;
  const store = await CosmosStore.open({ kind: 'embedded', client: embeddedClient(endpoint, process.env.BENCH_STORE_KEY ?? ''), databaseId: 'bench', description: endpoint, canCreate: true });
  const app = await startApp({
    // The benchmark measures the server, not the per-user command limit.
    config: loadConfig({ PORT: '0', DEFAULT_ORG_ID: ORG, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false', SURVEY_SEAL_KEY: randomBytes(32).toString('base64'), COMMANDS_PER_MINUTE: '10000' }),
    logger: silentLogger,
    store,
    clock: new FixedClock('2026-11-22T10:00:00Z'),
  });
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bare = new Bare();
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => adapter.process(req, res, (ctx) => bare.run(ctx)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  // Let the delivery loop's first run (which loads the store client's query code) happen before measuring.
  await app.deliverNow();
  process.stdout.write(JSON.stringify({ app: app.url, bare: `http://127.0.0.1:${(server.address() as { port: number }).port}` }) + '\n');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
