import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
/**
 * The app for the soak bench, in its own process against the store process: the real app with its
 * delivery loop, reporting its own memory (after a full garbage collection) once a second so the
 * bench can tell growth from garbage not yet collected (with --report-memory). An optional second
 * argument sets the delivery engine's interval in seconds (the council bench keeps it idle).
 */
import { startApp } from '../../bot/app';
import { systemClock } from '../../services/core/clock';
import { loadConfig } from '../../services/core/config';
import { silentLogger } from '../../services/core/logger';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { ORG } from '../harness/fixtures';

const collect = (globalThis as { gc?: () => void }).gc;

async function main() {
  const [endpoint = '', deliveryIntervalSeconds = '1'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(endpoint, process.env.BENCH_STORE_KEY ?? ''),
    databaseId: 'bench',
    description: endpoint,
    canCreate: true,
  });
  const app = await startApp({
    // The soak measures the server, not the per-user command limit.
    config: loadConfig({
      PORT: '0',
      DEFAULT_ORG_ID: ORG,
      LOG_LEVEL: 'silent',
      SCHEDULER_ENABLED: 'false',
      SURVEY_SEAL_KEY: process.env.SURVEY_SEAL_KEY ?? randomBytes(32).toString('base64'),
      DELIVERY_INTERVAL_SECONDS: deliveryIntervalSeconds,
      COMMANDS_PER_MINUTE: '10000',
      DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'bench-app-')),
    }),
    logger: silentLogger,
    store,
    clock: systemClock,
  });
  // The tab's local sign-in needs this run's secret, as the dashboard page would have it.
  process.stdout.write(JSON.stringify({ app: app.url, pid: process.pid, localSecret: app.local?.secret }) + '\n');
  // A forced collection pauses the app: only for the soak, which watches memory, not for latency.
  if (process.argv.includes('--report-memory')) {
    setInterval(() => {
      collect?.();
      const m = process.memoryUsage();
      process.stdout.write(JSON.stringify({ memory: { rss: m.rss, heapUsed: m.heapUsed, external: m.external } }) + '\n');
    }, 1000).unref();
  }
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
