// First: telemetry instruments the modules the imports below load.
import { telemetry } from './telemetry-first';
import { systemClock } from '../services/core/clock';
import { loadConfig } from '../services/core/config';
import { isAppError } from '../services/core/errors';
import { createLogger } from '../services/core/logger';
import { seedDemo, seedDemoTraining } from '../services/demo/seed-demo';
import { domainEvents } from '../services/events/handlers';
import { WorkingCalendar } from '../services/scheduling/calendar';
import { ensureOrganisation } from '../services/organisation/organisations';
import { openMigratedStore } from '../services/migrations/migrations';
import { startApp } from './app';

/** Under App Service's 30 s between SIGTERM and SIGKILL, with room for the store's last write. */
const SHUTDOWN_LIMIT_MS = 25_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const store = await openMigratedStore(config, logger, 'interactive');
  const clock = systemClock;

  if (store.kind === 'embedded' && config.SEED_DEMO_DATA) {
    const report = await seedDemo(store, clock, config.DEFAULT_ORG_ID, config.DEFAULT_TIME_ZONE, domainEvents(new WorkingCalendar()));
    if (report) {
      await seedDemoTraining(store, config.DEFAULT_ORG_ID);
      logger.info({ created: report.created, notImported: report.problems.length }, 'demo plan and training loaded');
    }
  } else {
    await ensureOrganisation(store, clock, config.DEFAULT_ORG_ID, { timeZone: config.DEFAULT_TIME_ZONE });
  }

  const app = await startApp({ config, logger, store, clock });
  // Ready to stop before saying it listens: whoever reads that line may signal at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // App Service waits 30 s after SIGTERM before it kills the process: finish inside that, or say why not.
    const deadline = setTimeout(() => {
      logger.error({ signal }, 'shutdown took over 25 s; exiting with work unfinished (claims expire and other instances take it over)');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    deadline.unref();
    // Not ready first (/readyz answers 503), then the scheduler stops, the outbox hands back what it had
    // claimed but not sent, and the server finishes the requests in flight.
    await app.close();
    await store.close(); // the embedded store saves its last snapshot here
    // The spans of the last requests; the exporter would otherwise send them on its next tick, which never comes.
    await telemetry?.shutdown().catch((e: unknown) => logger.warn({ err: e }, 'telemetry could not send its last spans'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  logger.info(
    {
      url: app.url,
      store: store.description,
      mode: config.localMode ? 'local (no MicrosoftAppId: unauthenticated, loopback only)' : 'production',
      // The one place this run's local sign-in secret is handed out: open this address in your browser.
      ...(app.local ? { dashboard: app.local.dashboardUrl } : {}),
    },
    `listening on ${app.url}/api/messages using ${store.description}`,
  );
}

main().catch((e: unknown) => {
  // One clear line, no stack, for the mistakes an operator can fix (configuration, a locked data folder).
  process.stderr.write(`Cannot start: ${isAppError(e) ? `${e.code}: ${e.message}` : (e as Error).stack}\n`);
  process.exit(1);
});
