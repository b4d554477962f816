import { execFile } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../services/core/paths';
import type { Telemetry } from '../../services/core/telemetry';
import { FakeAppInsights } from '../harness/fake-app-insights';

/**
 * What the app sends Application Insights for an ordinary day's work, through its real exporter to
 * a fake ingestion endpoint on loopback: the requests, the job run, the store and Graph calls are
 * all there, and nothing of the people in them is: no name, email, object id, note or typed text.
 */

const WENDY = {
  personId: 'person-7',
  name: 'Wendy Walker',
  email: 'wendy.walker@council.example',
  objectId: 'e2b7c1d4-5f6a-4b3c-9d8e-7f6a5b4c3d21',
  teamsId: '29:1aB3xYz9QkLmN0pR',
};
/** A progress note the card accepts, and one its identifying-details guard sends back (an address and a child's name). */
const NOTE = 'Backlog cleared after the Thursday supervision session with the duty team';
const REFUSED_NOTE = 'Spoke to the Okonkwo family at 12 Elm Road about Jayden';
const TYPED = 'tell Wendy about the Okonkwo family';
const MAILBOX = 'safeguarding.team@council.example';
const CLIENT = { tenantId: '5f0c3b2e-6a1d-4c8e-9b7a-2d4e6f8a0c1e', clientId: '2b7e4c3d-0000-4000-8000-00000000b07a', clientSecret: 'test-only-client-secret' };
const CATALOG_APP = 'c4a1b2d3-0000-4000-8000-0000000a99c1';
/** A Monday 09:00 in London: the daily reminders' slot. */
const SLOT = new Date('2026-11-23T09:00:00Z');

/** Everything personal the walk puts in front of the app; none of it may be exported, in any spelling. */
const PERSONAL = [
  WENDY.name,
  'Wendy',
  'Walker',
  WENDY.email,
  'wendy.walker',
  WENDY.objectId,
  WENDY.teamsId,
  '1aB3xYz9QkLmN0pR',
  'Okonkwo',
  'Elm Road',
  'Jayden',
  NOTE,
  'Thursday supervision',
  MAILBOX,
  'safeguarding.team',
];
const spellings = (s: string) => [s, encodeURIComponent(s), s.replace(/ /g, '+'), s.toLowerCase()];

describe('telemetry: requests, jobs, store and Graph calls reach Application Insights without personal data', () => {
  let ingestion: FakeAppInsights;
  let telemetry: Telemetry;

  beforeAll(async () => {
    // The SDK's own usage statistics go to Microsoft, not to the resource; a test sends nothing off this machine.
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
    process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
    process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED = 'true';
    ingestion = await FakeAppInsights.start();
    const { startTelemetry } = await import('../../services/core/telemetry.js');
    telemetry = startTelemetry(ingestion.connectionString, { agent: ingestion.agent })!;
  });

  afterAll(async () => {
    await telemetry?.shutdown();
    await ingestion?.close();
    // Node's http is shared by every test in this worker: shutting down leaves it as it found it.
    expect('__original' in (await import('node:http')).Server.prototype.emit).toBe(false);
  });

  it('a day’s walk: a typed command, a card answer with a note, a tab request, the reminders job and Graph calls', async () => {
    // Loaded after telemetry started, as bot/main.ts does: the instrumentation patches modules as they load.
    const { startTestApp, localSignIn } = await import('../harness/app.js');
    const { actionDoc, person, seed, ORG } = await import('../harness/fixtures.js');
    const { invokeActionExecute, messageActivity } = await import('../harness/teams-activities.js');
    const { FakeGraph } = await import('../harness/fake-graph.js');
    const { HttpGraphGateway } = await import('../../services/reach/graph.js');
    const { JOBS } = await import('../../bot/jobs.js');
    const { runJobSlot, DEFAULT_RETRY } = await import('../../services/scheduling/scheduler.js');
    const { StoreRunCoordinator } = await import('../../services/scheduling/coordinator.js');
    const { WorkingCalendar } = await import('../../services/scheduling/calendar.js');
    const { systemClock } = await import('../../services/core/clock.js');
    const { createLogger } = await import('../../services/core/logger.js');
    const jobLines: Record<string, unknown>[] = [];
    const jobLogger = createLogger('info', { destination: { write: (line: string) => void jobLines.push(JSON.parse(line) as Record<string, unknown>) } });

    const t = await startTestApp();
    const graph = await FakeGraph.start(CLIENT);
    const agent = new https.Agent({ ca: graph.ca });
    try {
      await seed(t.store, {
        people: [person({ id: WENDY.personId, name: WENDY.name, email: WENDY.email, aadObjectId: WENDY.objectId, roles: ['officer'] })],
        actions: [
          actionDoc({
            id: 'a-7',
            leadIds: [WENDY.personId],
            leads: [{ name: WENDY.name, personId: WENDY.personId }],
            due: { dates: ['2026-11-23'], ongoing: null, text: '23 November 2026' },
            nextDueDate: '2026-11-23',
          }),
        ],
      });
      const user = { id: WENDY.teamsId, aadObjectId: WENDY.objectId, name: WENDY.name };

      // A typed command, and free text the bot does not understand.
      expect((await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user, text: 'my actions' }))).status).toBeLessThan(300);
      expect((await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user, text: TYPED }))).status).toBeLessThan(300);
      // A card answer carrying a note, after one the card sends back for naming a family.
      const refused = await t.post(
        invokeActionExecute({
          serviceUrl: t.connector.serviceUrl,
          user,
          verb: 'action.update',
          data: { actionId: 'a-7', version: 1, status: 'G', progress: REFUSED_NOTE },
        }),
      );
      expect(JSON.stringify(refused.body)).toMatch(/check the highlighted answers/);
      const answer = await t.post(
        invokeActionExecute({
          serviceUrl: t.connector.serviceUrl,
          user,
          verb: 'action.update',
          data: { actionId: 'a-7', version: 1, status: 'G', progress: NOTE },
        }),
      );
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toMatch(/went wrong/i);
      expect(((await t.store.collection('actions').read(ORG, 'a-7')) as { progress?: string } | undefined)?.progress).toBe(NOTE);
      // App Service's health check, which is not recorded.
      expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
      // A tab request whose query names her.
      const tab = await fetch(`${t.app.url}/api/tab/plan?lead=${encodeURIComponent(WENDY.name)}&email=${encodeURIComponent(WENDY.email)}`, {
        headers: localSignIn(t, WENDY.personId),
      });
      await tab.arrayBuffer();
      // The morning's reminders job, as the scheduler runs a slot.
      const outcome = await runJobSlot(
        {
          jobs: { 'daily-reminders': JOBS['daily-reminders']! },
          jobDeps: {},
          store: t.store,
          logger: jobLogger,
          calendar: new WorkingCalendar(),
          orgId: ORG,
          timeZone: 'Europe/London',
          coordinator: new StoreRunCoordinator(t.store, ORG, systemClock, 'telemetry-test'),
          wall: systemClock,
          retry: DEFAULT_RETRY,
          wait: async () => {},
        },
        'daily-reminders',
        SLOT,
      );
      expect(outcome).toBe('ran');
      // Graph: installing the app for her (her object id in the path) and an email to her (the mailbox in the path).
      graph.setUser({ id: WENDY.objectId, mail: WENDY.email });
      const gateway = new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...CLIENT }, { agent, retryDelayInMs: 10 });
      await gateway.installApp(WENDY.objectId, CATALOG_APP);
      await gateway.sendMail(MAILBOX, { to: { address: WENDY.email, name: WENDY.name }, subject: `For ${WENDY.name}`, html: `<p>${NOTE}</p>` });
      expect(graph.graphCalls().map((c) => c.path)).toEqual(
        expect.arrayContaining([`/v1.0/users/${WENDY.objectId}/teamwork/installedApps`, `/v1.0/users/${MAILBOX}/sendMail`]),
      );

      await telemetry.flush();
    } finally {
      agent.destroy();
      await graph.close();
      await t.close();
    }
    await telemetry.flush();

    // What arrived: the app's requests, the job run as an operation of its own, and its calls out.
    const requests = ingestion.items('RequestData');
    const dependencies = ingestion.items('RemoteDependencyData');
    const requestNames = requests.map((r) => r.name as string);
    expect(requestNames).toEqual(expect.arrayContaining(['POST /api/messages', 'GET /api/tab/plan', 'job daily-reminders']));
    expect(requestNames.filter((n) => /healthz|readyz/.test(n))).toEqual([]);
    const job = requests.find((r) => r.name === 'job daily-reminders')!;
    expect(job.properties).toMatchObject({ 'job.name': 'daily-reminders', 'job.outcome': 'ran', 'job.slot': SLOT.toISOString() });
    expect(job.properties['app.correlation_id']).toMatch(/^[0-9a-f]{12}$/);
    // The run's reference in Application Insights finds its log lines.
    expect(jobLines.find((l) => l.msg === 'job finished')?.correlationId).toBe(job.properties['app.correlation_id']);
    // Graph calls, with the user in the path replaced.
    const graphCalls = dependencies.filter((d) => String(d.data ?? '').includes('/v1.0/users/'));
    expect(graphCalls.map((d) => d.data)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/v1\.0\/users\/\{id\}\/teamwork\/installedApps$/),
        expect.stringMatching(/\/v1\.0\/users\/\{id\}\/sendMail$/),
      ]),
    );
    // Store calls (the embedded Cosmos DB over HTTP), by the Azure SDK and on the wire, some under the job's operation.
    const storeCalls = dependencies.filter((d) => /\/dbs\//.test(String(d.data ?? '')) || /cosmos/i.test(String(d.type ?? '')));
    expect(storeCalls.length).toBeGreaterThan(0);
    expect(dependencies.some((d) => d.tags?.['ai.operation.id'] === job.tags?.['ai.operation.id'])).toBe(true);

    // And nothing of Wendy, in any spelling, anywhere in what was sent.
    const sent = ingestion.raw.join('\n');
    expect(sent.length).toBeGreaterThan(1000);
    const found = PERSONAL.flatMap(spellings).filter((s) => sent.toLowerCase().includes(s.toLowerCase()));
    expect(found).toEqual([]);
  });
});

describe('telemetry without APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  it('a value that is not a connection string stops the app with one line naming the setting, never its value', async () => {
    const { loadConfig } = await import('../../services/core/config.js');
    expect(() => loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'secret-looking-nonsense' })).toThrow(
      /APPLICATIONINSIGHTS_CONNECTION_STRING: an Application Insights connection string/,
    );
    expect(() => loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'secret-looking-nonsense' })).not.toThrow(/secret-looking/);
    expect(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: '' }).APPLICATIONINSIGHTS_CONNECTION_STRING).toBeUndefined();
  });

  it('the built app’s first import loads nothing of OpenTelemetry’s SDK or the exporter, so local mode and tests pay nothing', async () => {
    const probe = `require(${JSON.stringify(path.join(projectRoot(), 'dist', 'bot', 'telemetry-first.js'))});
      process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => /@azure[\\/]monitor-opentelemetry|@opentelemetry[\\/](sdk|instrumentation)/.test(k))));`;
    const loaded = async (env: Record<string, string>) =>
      JSON.parse((await promisify(execFile)(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH, ...env } })).stdout) as string[];
    expect(await loaded({})).toEqual([]);
    // The same probe does see them with the setting, so it is looking in the right place.
    expect(
      (
        await loaded({
          APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=https://127.0.0.1:9/',
          APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        })
      ).length,
    ).toBeGreaterThan(0);
  });
});
