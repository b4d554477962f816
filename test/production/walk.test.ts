import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { stringify } from 'yaml';
import { silentLogger } from '../../services/core/logger';
import { projectRoot } from '../../services/core/paths';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { openEmbeddedStore } from '../../services/store/embedded';
import { childEnv } from '../harness/child-env';
import { FakeConnector } from '../harness/fake-connector';
import { FakeGraph } from '../harness/fake-graph';
import { actionLedBy, ORG, person, seed } from '../harness/fixtures';
import { signJwt, startOpenIdServer } from '../harness/openid';
import {
  cardButtons,
  cardText,
  installationUpdate,
  invokeActionExecute,
  messageActivity,
  personalConversationId,
  TEST_BOT_ID,
  TEST_TENANT_ID,
  type CardButton,
} from '../harness/teams-activities';
import { sampleReview } from '../harness/review-sample';
import { selfSignedCertificate } from '../harness/tls';

/**
 * Production mode as a deployment runs it: the compiled app (`node dist/bot/main.js`) as its own
 * process, with a bot identity (single tenant), and every outside service a stand-in on loopback
 * reached only through settings a real deployment can also set: botbuilder's own endpoint settings
 * for the Bot Framework's signing keys and the bot's token issuer, TRUSTED_SERVICE_URL_HOSTS for
 * the connector's host, GRAPH_* for Graph and Entra, TAB_SSO_JWKS_URL for the tab's keys, and the
 * stand-ins' certificates trusted the way any Node process can be told to (NODE_EXTRA_CA_CERTS).
 * The operator's command line runs the morning's jobs against the running app's data folder, and
 * starts the features an administrator drives from it: a Section 11 round, a review added.
 */

const root = projectRoot();
const CLIENT = { tenantId: TEST_TENANT_ID, clientId: TEST_BOT_ID, clientSecret: 'walk-only-client-secret' };
const CATALOG_APP = 'c4a1b2d3-0000-4000-8000-0000000a99c1';
const MAILBOX = 'safeguarding-tracker@council.example';
const TAB_CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const PUBLIC_HOSTNAME = 'tracker.council.example';
const TEAMS_WEB_CLIENT = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';
const OTHER_TENANT = '99999999-8888-4777-8666-555555555555';

/** Someone in the council's directory who has never opened the app, and a partner officer Teams cannot reach. */
/** Sam is also the council's Section 11 lead, as a role mapping leaves them (a grant takes up to 30 s to reach a running app's cached sign-in). */
const sam = person({
  id: 'sam',
  name: 'Sam Okafor',
  aadObjectId: '0b8e6a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
  email: 'sam.okafor@council.example',
  roles: ['officer', 's11-lead'],
});
/** The safeguarding lead, who opened the app in Teams long ago. */
const alex = person({ id: 'alex', name: 'Alex Morgan', aadObjectId: '3c2b1a09-8f7e-4d6c-9b5a-a1b2c3d4e5f6', email: 'alex.morgan@council.example' });
const pat = person({ id: 'pat', name: 'Pat Reid', aadObjectId: '6f5e4d3c-2b1a-4098-8765-4321fedcba98', email: 'pat.reid@police.example' });

const calendar = new WorkingCalendar();
/** The working day on or before `date`. */
const workingDayBy = (date: string) => (calendar.isWorkingDay(date) ? date : calendar.previousWorkingDay(date));
/** The last working day up to today, so the walk passes on any date: both owe a reminder for an action due then. */
const day = workingDayBy(new Date().toISOString().slice(0, 10));
/** The Section 11 round's closing date: a working day about four weeks from whenever the walk runs. */
const closes = workingDayBy(new Date(Date.now() + 28 * 86_400_000).toISOString().slice(0, 10));

describe('production mode, started as a deployment starts it, walked end to end', () => {
  let dataDir: string;
  let connector: FakeConnector;
  let graph: FakeGraph;
  let botKeys: Awaited<ReturnType<typeof startOpenIdServer>>;
  let entraKeys: Awaited<ReturnType<typeof startOpenIdServer>>;
  let settings: Record<string, string>;
  let bot: ChildProcess;
  /** The app's exit code and signal, once it has exited. */
  let exited: Promise<[number | null, NodeJS.Signals | null]>;
  let botOutput = '';
  let url: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'walk-'));
    graph = await FakeGraph.start(CLIENT);
    graph.limitMailTo(MAILBOX);
    graph.setUser({ id: sam.aadObjectId! });
    const connectorTls = selfSignedCertificate();
    connector = await FakeConnector.start({ tls: connectorTls });
    botKeys = await startOpenIdServer();
    entraKeys = await startOpenIdServer();
    // The stand-ins' throwaway certificates, trusted by the app's process as a proxy's or a private CA's would be.
    const caFile = path.join(dataDir, 'stand-ins-ca.pem');
    await writeFile(caFile, `${graph.ca}${connectorTls.cert}`);

    // The directory and the plan, as an HR import and a plan import leave them.
    const store = await openEmbeddedStore({ dataDir, databaseId: 'safeguarding', port: 0, snapshotIntervalSeconds: 3600, logger: silentLogger });
    await seed(store, {
      people: [alex, sam, pat],
      actions: [sam, pat].map((p) => actionLedBy(p, day, { ref: p === sam ? 'LP1.1' : 'LP1.2' })),
    });
    await store.close();

    settings = {
      ...graph.appSettings(),
      MicrosoftAppType: 'SingleTenant',
      ALLOWED_TENANT_IDS: TEST_TENANT_ID,
      HOME_TENANT_ID: TEST_TENANT_ID,
      HOST: '127.0.0.1',
      PORT: '0',
      PUBLIC_HOSTNAME,
      TAB_SSO_CLIENT_ID: TAB_CLIENT_ID,
      TAB_SSO_JWKS_URL: entraKeys.metadataUrl.replace(/\/v1\/.*$/, '/keys'),
      BotOpenIdMetadata: botKeys.metadataUrl,
      ToChannelFromBotLoginUrl: `${graph.authorityHost}/${TEST_TENANT_ID}`,
      TRUSTED_SERVICE_URL_HOSTS: new URL(connector.serviceUrl).hostname,
      TEAMS_SERVICE_URL: connector.serviceUrl,
      TEAMS_CATALOG_APP_ID: CATALOG_APP,
      MAIL_SENDER: MAILBOX,
      SURVEY_SEAL_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: dataDir,
      SEED_DEMO_DATA: 'false',
      // The store as Azure Cosmos DB behaves: 2 MB items, id rules, request charges and budgets, a round trip per call.
      EMBEDDED_PROFILE: 'azure',
      EMBEDDED_LATENCY_MS: '5',
      DEFAULT_ORG_ID: ORG,
      DELIVERY_INTERVAL_SECONDS: '1',
      LOG_LEVEL: 'info',
      NODE_EXTRA_CA_CERTS: caFile,
    };
    // The partnership's one agency, added by the operator before the first start: everyone in the directory is the council's.
    expect(await cli('agency', 'add', 'Council')).toContain('Council');
    bot = node('main.js', []);
    exited = once(bot, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    bot.stderr!.on('data', (c) => (botOutput += String(c)));
    url = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: bot.stdout! }).on('line', (line) => {
        botOutput += `${line}\n`;
        const entry = parseJson(line);
        if (typeof entry?.url === 'string' && entry.mode === 'production') resolve(entry.url);
      });
      bot.once('exit', () => reject(new Error(`the app exited before it was ready:\n${botOutput}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (bot && bot.exitCode === null && bot.signalCode === null) {
      bot.kill('SIGTERM');
      await exited;
    }
    await Promise.all([connector?.close(), graph?.close(), botKeys?.close(), entraKeys?.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  function node(script: string, args: string[]): ChildProcess {
    return spawn(process.execPath, ['--disable-warning=DEP0111', path.join(root, 'dist', 'bot', script), ...args], {
      cwd: root,
      env: childEnv(settings),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  /** The operator's command line, against the running app's data folder. */
  async function cli(...args: string[]): Promise<string> {
    const child = node('cli/index.js', args);
    let out = '';
    child.stdout!.on('data', (c) => (out += String(c)));
    child.stderr!.on('data', (c) => (out += String(c)));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`tracker ${args.join(' ')} failed (${code}):\n${out}`);
    return out;
  }
  /** A job's result: the JSON line `jobs run` prints. */
  const jobResult = (out: string) => parseJson(out.split('\n').find((l) => l.startsWith('{')) ?? '') as Record<string, any>;

  const now = () => Math.floor(Date.now() / 1000);
  /** A Bot Framework token for this bot, from its connector, as the Bot Connector service signs it. */
  const botToken = (over: Record<string, unknown> = {}, key = botKeys.trustedKey) =>
    signJwt(key, 'trusted', {
      iss: 'https://api.botframework.com',
      aud: TEST_BOT_ID,
      serviceurl: connector.serviceUrl,
      nbf: now() - 60,
      exp: now() + 600,
      ...over,
    });
  /** A Teams SSO token for the tab (Entra ID v2), as Teams hands the tab. */
  const ssoToken = (over: Record<string, unknown> = {}, key = entraKeys.trustedKey) => {
    const tid = (over.tid as string | undefined) ?? TEST_TENANT_ID;
    return signJwt(key, 'trusted', {
      iss: `https://login.microsoftonline.com/${tid}/v2.0`,
      aud: `api://${PUBLIC_HOSTNAME}/${TAB_CLIENT_ID}`,
      tid,
      oid: sam.aadObjectId,
      scp: 'access_as_user',
      azp: TEAMS_WEB_CLIENT,
      nbf: now() - 10,
      exp: now() + 3600,
      ...over,
    });
  };
  const samInTeams = () => ({ id: `29:${sam.aadObjectId}`, aadObjectId: sam.aadObjectId!, name: sam.name });
  /** Sam's answer on the reminder card: LP1.1 is now Amber. */
  const samsAnswer = (over: { tenantId?: string } = {}) =>
    invokeActionExecute({
      serviceUrl: connector.serviceUrl,
      user: samInTeams(),
      verb: 'action.update',
      data: {
        actionId: 'a-sam',
        version: 1,
        status: 'A',
        progress: 'Waiting on the partnership board',
        reason: 'The board meets after the due date',
        remedialAction: 'Chair asked for a decision by email',
      },
      ...over,
    });
  const postActivity = async (activity: unknown, token?: string) => {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(activity),
    });
    return { status: res.status, body: parseJson(await res.text()) };
  };
  const getTab = async (route: string, token?: string) => {
    const res = await fetch(`${url}${route}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: parseJson(await res.text()) };
  };

  it('before the morning: Alex, who uses the app already, types to it and the reply comes through the connector, signed with a token from the Entra endpoint', async () => {
    // The first call the app makes to the connector (the token is not cached yet): botbuilder's own reply client.
    const alexInTeams = { id: `29:${alex.aadObjectId}`, aadObjectId: alex.aadObjectId!, name: alex.name };
    const chat = personalConversationId(alexInTeams);
    // Teams tells the bot when Alex adds the app, then Alex types.
    expect((await postActivity(installationUpdate({ serviceUrl: connector.serviceUrl, user: alexInTeams, action: 'add' }), botToken())).status).toBe(200);
    expect((await postActivity(messageActivity({ serviceUrl: connector.serviceUrl, user: alexInTeams, text: 'help' }), botToken())).status).toBe(200);
    await connector.waitForActivities(1, { conversationId: chat, timeoutMs: 20_000 });
    const replies = connector.calls.filter((c) => c.method === 'POST' && c.conversationId === chat);
    expect(replies.length).toBeGreaterThan(0);
    for (const call of replies) expect(graph.issuedForBotConnector(bearerOf(call.authorization))).toBe(true);
  }, 30_000);

  it('1. the reach job, run by the operator, installs the app through Graph for Sam, who never opened it', async () => {
    const reach = jobResult(await cli('jobs', 'run', 'reach', '--at', `${day}T08:00:00Z`, '--no-deliver'));
    // Alex is reached in the chat Alex opened; Pat is a partner officer the council's directory does not hold.
    expect(reach).toMatchObject({ installed: 1, alreadyReachable: 1, notReachable: { 'not-in-tenant': 1 } });
    expect(graph.installationsFor(sam.aadObjectId!)).toEqual([expect.objectContaining({ catalogAppId: CATALOG_APP })]);
    // Graph was called with a token the app got from the Entra token endpoint with its own secret.
    const installs = graph.graphCalls({ method: 'POST', pathEndsWith: '/installedApps' });
    // Sam's install succeeds; Pat is not in the council's directory (a partner officer), so Graph knows nobody to install for.
    expect(installs.map((c) => [c.path.includes(sam.aadObjectId!) ? 'sam' : 'pat', c.status]).sort()).toEqual([
      ['pat', 404],
      ['sam', 201],
    ]);
    for (const c of installs) expect(c.token).toMatch(/^fake-graph-/);
  }, 60_000);

  it('2. the daily reminder reaches Sam in Teams, signed with a token from the Entra endpoint, and Pat by email through Graph', async () => {
    const reminders = jobResult(await cli('jobs', 'run', 'daily-reminders', '--at', `${day}T09:00:00Z`, '--no-deliver'));
    expect(reminders).toMatchObject({ enqueued: 2 });
    // The running app's delivery loop sends what the job queued.
    const chatId = graph.installationsFor(sam.aadObjectId!)[0]!.chatId;
    const [reminder] = await connector.waitForActivities(1, { conversationId: chatId, timeoutMs: 20_000 });
    expect(JSON.stringify(reminder)).toContain('LP1.1');
    const sends = connector.calls.filter((c) => c.method === 'POST' && c.conversationId === chatId);
    expect(sends.length).toBeGreaterThan(0);
    for (const call of sends) expect(graph.issuedForBotConnector(bearerOf(call.authorization))).toBe(true);
    await waitFor(() => graph.mails.length >= 1, 20_000);
    expect(graph.mails).toHaveLength(1);
    expect(graph.mails[0]).toMatchObject({ mailbox: MAILBOX, message: { toRecipients: [{ emailAddress: { address: pat.email } }] } });
    expect(JSON.stringify(graph.mails[0]!.message)).toContain('LP1.2');
    // Nobody else was written to: the partner officer's reminder did not go to Teams as well.
    expect(connector.activities().filter((a) => JSON.stringify(a).includes('LP1.2'))).toEqual([]);
  }, 60_000);

  it('3. Sam’s card answer, carrying a correctly signed Bot Framework token, is accepted and saved', async () => {
    const res = await postActivity(samsAnswer(), botToken());
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Waiting on the partnership board');
  }, 30_000);

  it('4. the tab, asked with Sam’s signed Teams SSO token, answers with Sam’s own actions, as the card left them', async () => {
    const me = await getTab('/api/tab/me', ssoToken());
    expect(me).toMatchObject({ status: 200, body: { id: 'sam', name: sam.name } });
    const mine = await getTab('/api/tab/my-actions', ssoToken());
    expect(mine.status).toBe(200);
    const text = JSON.stringify(mine.body);
    expect(text).toContain('LP1.1');
    expect(text).toContain('Waiting on the partnership board');
    expect(text).not.toContain('LP1.2');
  }, 30_000);

  it('5. an unsigned, expired or wrongly signed request gets 401, and one from a tenant that is not allowed 403, at the bot and the tab', async () => {
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const before = connector.calls.length;
    expect((await postActivity(samsAnswer())).status).toBe(401);
    expect((await postActivity(samsAnswer(), botToken({ nbf: now() - 7200, exp: now() - 3600 }))).status).toBe(401);
    expect((await postActivity(samsAnswer(), botToken({}, attacker))).status).toBe(401);
    // The tenant is checked before the token, so even a genuine token from another tenant is refused.
    expect(await postActivity(samsAnswer({ tenantId: OTHER_TENANT }), botToken())).toMatchObject({
      status: 403,
      body: { error: { code: 'TENANT_NOT_ALLOWED' } },
    });
    // Nothing refused reached Teams.
    expect(connector.calls.length).toBe(before);

    expect(await getTab('/api/tab/my-actions')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(await getTab('/api/tab/my-actions', ssoToken({ nbf: now() - 7200, exp: now() - 3600 }))).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED' } },
    });
    expect(await getTab('/api/tab/my-actions', ssoToken({}, attacker))).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(await getTab('/api/tab/my-actions', ssoToken({ tid: OTHER_TENANT }))).toMatchObject({
      status: 403,
      body: { error: { code: 'TENANT_NOT_ALLOWED' } },
    });

    // The answer Sam gave stands: none of the refused requests changed it.
    const mine = JSON.stringify((await getTab('/api/tab/my-actions', ssoToken())).body);
    expect(mine).toContain('Waiting on the partnership board');
  }, 30_000);

  /** Sam presses a button on a card; the card the bot answers with. */
  const samPresses = async (button: CardButton | undefined, fields: Record<string, string> = {}) => {
    if (!button) throw new Error('the card has no such button');
    const res = await postActivity(
      invokeActionExecute({ serviceUrl: connector.serviceUrl, user: samInTeams(), verb: button.verb, data: { ...button.data, ...fields } }),
      botToken(),
    );
    expect(res.status).toBe(200);
    return res.body.value as unknown;
  };
  const buttonOn = (card: unknown, title: string) => cardButtons(card).find((b) => b.title === title);
  /** Sam types to the bot; the card of its reply, as the connector received it. */
  const samSays = async (text: string) => {
    const chat = personalConversationId(samInTeams());
    const before = connector.activities({ conversationId: chat }).length;
    expect((await postActivity(messageActivity({ serviceUrl: connector.serviceUrl, user: samInTeams(), text }), botToken())).status).toBe(200);
    const replies = await connector.waitForActivities(before + 1, { conversationId: chat, timeoutMs: 20_000 });
    return replies.at(-1)?.attachments?.[0]?.content as unknown;
  };

  it('6. Section 11: the administrator starts a round at the command line, and the agency’s lead saves the return over two sittings in Teams and submits it', async () => {
    // The operator makes Alex the partnership's administrator, who starts the round.
    expect(await cli('people', 'role', 'grant', alex.email!, 'admin')).toContain('now holds admin');
    expect(await cli('s11', 'start', '--standards', 'classic', '--closes', closes, '--as', alex.email!, '--no-deliver')).toMatch(
      /Started Section 11 round \S+: 1 agenc(y|ies) asked for a return against classic v1/,
    );
    // The running app's delivery loop asks Sam, in the chat the reach job opened.
    const chatId = graph.installationsFor(sam.aadObjectId!)[0]!.chatId;
    const asked = connector.activities({ conversationId: chatId }).length;
    const request = (await connector.waitForActivities(asked + 1, { conversationId: chatId, timeoutMs: 20_000 })).at(-1);
    expect(JSON.stringify(request)).toContain('Type \\"self-assessment\\" to open Council’s return');

    // First sitting: the first standard, saved.
    let overview = await samSays('self-assessment');
    expect(cardText(overview)).toContain('Council’s return');
    const standards = cardButtons(overview).filter((b) => b.verb === 's11.standard');
    expect(standards).toHaveLength(8);
    expect(cardText(overview).match(/Not started/g)).toHaveLength(8);
    const first = await samPresses(standards[0]);
    await samPresses(buttonOn(first, 'Save and next'), {
      rating: 'green',
      narrative: 'The board hears the lead’s report each quarter.',
      evidenceLinks: 'https://intranet.council.example/s11',
    });

    // Second sitting: the return is where Sam left it; the rest are saved and the return submitted.
    overview = await samSays('self-assessment');
    expect(cardText(overview).match(/Not started/g)).toHaveLength(7);
    let card = await samPresses(cardButtons(overview).filter((b) => b.verb === 's11.standard')[1]);
    for (let i = 1; i < standards.length; i++)
      card = await samPresses(buttonOn(card, 'Save and next'), { rating: 'green', narrative: `Confirmed in the walk (${i + 1}).` });
    expect(cardText(card)).toContain('That was the last standard');
    expect(cardText(await samPresses(buttonOn(card, 'Submit the return')))).toContain('Submitted.');

    // The administrator's command line sees it submitted.
    expect(await cli('s11', 'status')).toMatch(/Council\s+submitted/);
  }, 90_000);

  it('7. learning from reviews: a review is added at the command line, and its report is served to the administrator in the tab', async () => {
    const file = path.join(dataDir, 'review.yaml');
    // A practice review whose recommendations Alex, Sam and the council own.
    await writeFile(file, stringify(sampleReview({}, { carol: alex.email!, dee: sam.email!, agency: 'council' })));
    const added = await cli('review', 'add', file, '--as', alex.email!);
    expect(added).toContain('Added review');
    expect(added).toContain('3 recommendations in 2 lines of enquiry');
    const me = await getTab('/api/tab/me', ssoToken({ oid: alex.aadObjectId }));
    expect(me.status).toBe(200);
    expect(me.body.reports.map((r: { name: string }) => r.name)).toContain('reviews');
    const report = await getTab('/api/tab/reports/reviews', ssoToken({ oid: alex.aadObjectId }));
    expect(report.status).toBe(200);
    const text = JSON.stringify(report.body.report);
    expect(text).toContain('Learning from Exploitation');
    expect(text).toContain('Regular training for staff in exploitation');
    // Sam, who holds no role that may read the board's reports, is refused.
    expect((await getTab('/api/tab/reports/reviews', ssoToken())).status).toBe(403);
  }, 60_000);

  it('having logged no error, it stops cleanly on SIGTERM, as App Service stops it', async () => {
    // Still running after the walk (nothing above crashed it), then stopped as App Service stops it.
    expect({ exitCode: bot.exitCode, signal: bot.signalCode }).toEqual({ exitCode: null, signal: null });
    bot.kill('SIGTERM');
    const [code] = await exited;
    expect({
      code,
      errorsLogged: botOutput
        .split('\n')
        .filter((l) => parseJson(l)?.level >= 50)
        .map((l) => parseJson(l)?.msg),
    }).toEqual({ code: 0, errorsLogged: [] });
  }, 30_000);
});

/** The token of a `Bearer <token>` header, or undefined for any other. */
function bearerOf(authorization: string | undefined): string | undefined {
  const [scheme, token] = (authorization ?? '').split(' ');
  return scheme === 'Bearer' ? token : undefined;
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`still waiting after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
