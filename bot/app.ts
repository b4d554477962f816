import type { Server } from 'restify';
import type { Clock } from '../services/core/clock';
import type { Config } from '../services/core/config';
import type { Logger } from '../services/core/logger';
import { startDeliveryLoop } from '../services/delivery/loop';
import type { DeliverySender } from '../services/delivery/sender';
import { domainEvents } from './modules';
import { groupRolesFromConfig, reachFromConfig } from '../services/reach/setup';
import { SignInRoles, type GroupRolesWiring } from '../services/reach/group-roles';
import { applyBootstrapAdmins } from '../services/people/roles';
import { WorkingCalendar } from '../services/scheduling/calendar';
import { startScheduler } from '../services/scheduling/scheduler';
import { startRoundUpkeep } from '../services/rounds/upkeep';
import { JOBS } from './jobs';
import { retentionFromConfig } from '../services/store/retention-schedule';
import { configureAudit, flushAudit } from '../services/audit/audit-log';
import type { Store } from '../services/store/ports';
import { loadAnswerSeal } from '../services/surveys/seal';
import { localDashboardUrl, newLocalSecret } from '../services/core/local-secret';
import { registerTabRoutes } from '../tab/server/routes';
import { createAdapter } from './adapter';
import { createDeliverySender } from './delivery-sender';
import { createServer } from './server';
import { TrackerBot } from './tracker-bot';

/**
 * `groupRoles` replaces the Graph wiring for Entra group roles that the configuration gives (a test
 * in local mode, which has no bot identity, points the real adapter at its fake Graph this way).
 */
export type AppDeps = { config: Config; logger: Logger; store: Store; clock: Clock; groupRoles?: GroupRolesWiring };

export type App = {
  server: Server;
  url: string;
  /** Local mode only: this run's secret, and the dashboard's address that hands it to the page. */
  local?: { secret: string; dashboardUrl: string };
  sender: DeliverySender;
  deliverNow(): Promise<unknown>;
  /** Runs the round upkeep now, or waits for the run under way (tests, which run the scheduler's work themselves). */
  roundUpkeepNow(): Promise<unknown>;
  close(): Promise<void>;
};

/** Wires transport to the domain. Tests start this on port 0 against an embedded store. */
export async function startApp(deps: AppDeps): Promise<App> {
  const { config, logger, store } = deps;
  const calendar = new WorkingCalendar();
  configureAudit(store, { logger, retentionYears: config.AUDIT_RETENTION_YEARS });
  const seal = loadAnswerSeal(config);
  if (!config.SURVEY_SEAL_KEY)
    logger.warn(
      { dataDir: config.DATA_DIR },
      'SURVEY_SEAL_KEY is not set: anonymous answers waiting to be pooled are sealed with a key kept in the data folder, next to the data (local mode only)',
    );
  // Local mode serves whoever reaches loopback: the secret tells the developer's browser from another account's process.
  const localSecret = config.localMode ? await newLocalSecret(config.DATA_DIR) : undefined;
  const reach = reachFromConfig(config);
  const groupRoles = deps.groupRoles ?? groupRolesFromConfig(config);
  // The first administrator of a new deployment, whatever the order of set-up steps (also after an import and at sign-in).
  const bootstrapped = await applyBootstrapAdmins({ store, clock: deps.clock }, config.DEFAULT_ORG_ID, config.BOOTSTRAP_ADMIN_OBJECT_IDS);
  for (const p of bootstrapped) logger.info({ personId: p.id }, 'made a partnership administrator by BOOTSTRAP_ADMIN_OBJECT_IDS');
  const signInRoles = new SignInRoles({ store, clock: deps.clock, logger, bootstrapObjectIds: config.BOOTSTRAP_ADMIN_OBJECT_IDS, groups: groupRoles?.groups });
  const adapter = createAdapter(config, logger);
  const sender = createDeliverySender(config, store, logger);
  const delivery = startDeliveryLoop(sender, config.DEFAULT_ORG_ID, config.DELIVERY_INTERVAL_SECONDS * 1000, logger);
  const scheduler = config.SCHEDULER_ENABLED
    ? startScheduler({
        jobs: JOBS,
        jobDeps: {
          seal,
          ...(reach ? { reach } : {}),
          ...(groupRoles ? { groupRoles } : {}),
          emailEnabled: !!config.MAIL_SENDER,
          retention: retentionFromConfig(config),
        },
        store,
        logger,
        calendar,
        orgId: config.DEFAULT_ORG_ID,
        timeZone: config.DEFAULT_TIME_ZONE,
        afterJob: delivery.kick,
      })
    : undefined;
  // Update rounds' set-up and summaries, outside the requests that start and answer them: every
  // minute where jobs run on a timer, and at once after "start round".
  const roundUpkeep = startRoundUpkeep(deps, config.DEFAULT_ORG_ID, { everyMinute: config.SCHEDULER_ENABLED, afterWork: delivery.kick });
  const bot = new TrackerBot({ ...deps, calendar, events: domainEvents(calendar), seal, signInRoles, kickRoundUpkeep: () => void roundUpkeep.kick() });
  const status = () => ({ scheduler: scheduler ? { enabled: true, ...scheduler.status() } : { enabled: false }, delivery: delivery.status() });
  let closing = false;
  const readiness = () => {
    const reasons: string[] = [];
    if (closing) reasons.push('shutting down');
    if (scheduler && !scheduler.status().running) reasons.push('the scheduler is not running');
    return { ready: reasons.length === 0, reasons };
  };
  const server = createServer({ ...deps, adapter, bot, status, readiness, localSecret });
  registerTabRoutes(server, { ...deps, calendar, localSecret, signInRoles });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.host, () => resolve());
  });
  const address = server.address() as { port: number };
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    server,
    url: `http://${host}:${address.port}`,
    ...(localSecret ? { local: { secret: localSecret, dashboardUrl: localDashboardUrl(`http://${host}:${address.port}`, localSecret) } } : {}),
    sender,
    deliverNow: delivery.kick,
    roundUpkeepNow: roundUpkeep.kick,
    async close() {
      closing = true;
      await scheduler?.stop();
      await roundUpkeep.stop();
      await delivery.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await flushAudit(store);
    },
  };
}
