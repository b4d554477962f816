import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../bot/app';
import { FixedClock } from '../../services/core/clock';
import { loadConfig, type Config } from '../../services/core/config';
import { LOCAL_SECRET_HEADER } from '../../services/core/local-secret';
import { silentLogger } from '../../services/core/logger';
import type { RequestMeter } from '../../services/store/azure-profile';
import type { Store } from '../../services/store/ports';
import type { GroupRolesWiring } from '../../services/reach/group-roles';
import { FakeConnector } from './fake-connector';
import { ORG } from './fixtures';
import { openTestStore } from './store';
import { invokeActionExecute, messageActivity, personalConversationId, postActivity, type TeamsUser } from './teams-activities';

export type TestApp = {
  app: App;
  store: Store;
  connector: FakeConnector;
  clock: FixedClock;
  config: Config;
  post(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
};

/**
 * The app's settings for a test, `env` over them: any free port, the test organisation, no logs,
 * no scheduler (tests run jobs themselves, at the instant they choose), a seal key of its own (so
 * no test writes one into the project's data folder), and many commands from one user quickly (the
 * rate-limit test sets its own limit).
 */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    DEFAULT_ORG_ID: ORG,
    LOG_LEVEL: 'silent',
    SCHEDULER_ENABLED: 'false',
    SURVEY_SEAL_KEY: randomBytes(32).toString('base64'),
    COMMANDS_PER_MINUTE: '10000',
    ...env,
  });
}

/**
 * The whole app on a free port, in local mode, on a fresh embedded store, with a fake Bot
 * Connector to receive what it sends. Tests talk to it over real HTTP. `groupRoles` points the app's
 * Entra group roles at a fake Graph (local mode has no bot identity to build it from).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { appStore?: (store: Store) => Store; groupRoles?: GroupRolesWiring; meter?: RequestMeter } = {},
): Promise<TestApp> {
  // `meter` adds up the RU the store charges (its Azure profile), for tests of what a request costs.
  const store = await openTestStore({ meter: options.meter });
  // A data folder of its own: local mode writes this run's sign-in secret there, never into the project's.
  const dataDir = env.DATA_DIR ?? (await mkdtemp(path.join(os.tmpdir(), 'sat-app-')));
  const connector = await FakeConnector.start();
  const clock = new FixedClock('2026-11-22T10:00:00Z');
  const config = testConfig({ DATA_DIR: dataDir, ...env });
  // The app may see the store through a wrapper (one that counts calls); the test seeds the store itself.
  const app = await startApp({
    config,
    logger: silentLogger,
    store: options.appStore?.(store) ?? store,
    clock,
    ...(options.groupRoles ? { groupRoles: options.groupRoles } : {}),
  });
  return {
    app,
    store,
    connector,
    clock,
    config,
    post: (activity, headers) => postActivity(app.url, activity, headers),
    async close() {
      await app.close();
      await connector.close();
      await store.close();
      if (!env.DATA_DIR) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The headers of the tab's local sign-in as `person id`, with this run's secret, as the dashboard
 * page sends them once `npm start`'s address has handed it the secret.
 */
export function localSignIn(t: { app: App }, personId: string): Record<string, string> {
  if (!t.app.local) throw new Error('local sign-in needs an app in local mode');
  return { authorization: `Local ${personId}`, [LOCAL_SECRET_HEADER]: t.app.local.secret };
}

/**
 * What the bot answers a command typed in the user's personal chat, as the cards' content only
 * (the envelope names the recipient, which is not what the card shows).
 */
export async function cardsAnswering(t: TestApp, user: TeamsUser, text: string): Promise<string> {
  const conversationId = personalConversationId(user);
  const before = t.connector.activities({ conversationId }).length;
  const res = await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user, text }));
  if (res.status >= 300) throw new Error(`the bot answered "${text}" with HTTP ${res.status}`);
  const sent = await t.connector.waitForActivities(before + 1, { conversationId });
  return JSON.stringify(sent.slice(before).map((a) => a.attachments?.[0]?.content));
}

/** The card the bot answers `user` pressing a card's button (an Action.Execute of `verb` with `data`) with. */
export async function cardInvoked(t: TestApp, user: TeamsUser, verb: string, data: Record<string, unknown>): Promise<any> {
  const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user, verb, data }));
  if (res.status !== 200) throw new Error(`the bot answered ${verb} with HTTP ${res.status}`);
  return res.body.value;
}
