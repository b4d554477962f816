import type { Server } from 'restify';
import type { Clock } from '../services/core/clock';
import type { Config } from '../services/core/config';
import type { Logger } from '../services/core/logger';
import { startDeliveryLoop } from '../services/delivery/loop';
import type { DeliverySender } from '../services/delivery/sender';
import { domainEvents } from '../services/events/handlers';
import { reachFromConfig } from '../services/reach/setup';
import { WorkingCalendar } from '../services/scheduling/calendar';
import { startScheduler } from '../services/scheduling/scheduler';
import { JOBS } from './jobs';
import { retentionFromConfig } from '../services/retention/schedule';
import { configureAudit, flushAudit } from '../services/audit/audit-log';
import type { Store } from '../services/store/ports';
import { loadAnswerSeal } from '../services/surveys/seal';
import { registerTabRoutes } from '../tab/server/routes';
import { createAdapter } from './adapter';
import { createDeliverySender } from './delivery-sender';
import { createServer } from './server';
import { TrackerBot } from './tracker-bot';

export type AppDeps = { config: Config; logger: Logger; store: Store; clock: Clock };

export type App = { server: Server; url: string; sender: DeliverySender; deliverNow(): Promise<unknown>; close(): Promise<void> };

/** Wires transport to the domain. Tests start this on port 0 against an embedded store. */
export async function startApp(deps: AppDeps): Promise<App> {
  const { config, logger, store } = deps;
  const calendar = new WorkingCalendar();
  configureAudit(store, { logger, retentionYears: config.AUDIT_RETENTION_YEARS });
  const seal = loadAnswerSeal(config);
  if (!config.SURVEY_SEAL_KEY) logger.warn({ dataDir: config.DATA_DIR }, 'SURVEY_SEAL_KEY is not set: anonymous answers waiting to be pooled are sealed with a key kept in the data folder, next to the data (local mode only)');
  const reach = reachFromConfig(config);
  const adapter = createAdapter(config, logger);
  const sender = createDeliverySender(config, store, logger);
  const delivery = startDeliveryLoop(sender, config.DEFAULT_ORG_ID, config.DELIVERY_INTERVAL_SECONDS * 1000, logger);
  const scheduler = config.SCHEDULER_ENABLED
    ? startScheduler({ jobs: JOBS, store, logger, calendar, seal, ...(reach ? { reach } : {}), emailEnabled: !!config.MAIL_SENDER, retention: retentionFromConfig(config), orgId: config.DEFAULT_ORG_ID, timeZone: config.DEFAULT_TIME_ZONE, afterJob: delivery.kick })
    : undefined;
  const bot = new TrackerBot({ ...deps, calendar, events: domainEvents(calendar), seal });
  const status = () => ({ scheduler: scheduler ? { enabled: true, ...scheduler.status() } : { enabled: false }, delivery: delivery.status() });
  const server = createServer({ ...deps, adapter, bot, status });
  registerTabRoutes(server, { ...deps, calendar });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.host, () => resolve());
  });
  const address = server.address() as { port: number };
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    server,
    url: `http://${host}:${address.port}`,
    sender,
    deliverNow: delivery.kick,
    async close() {
      await scheduler?.stop();
      await delivery.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await flushAudit(store);
    },
  };
}
