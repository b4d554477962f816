import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import https from 'node:https';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import type { ConversationRecord } from '../../../services/conversations/model';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import type { Person } from '../../../services/people/model';
import { HttpGraphGateway } from '../../../services/reach/graph';
import { reachPeople, reachStateId, type ReachDeps } from '../../../services/reach/reach';
import type { ReachState } from '../../../services/reach/model';
import type { Store } from '../../../services/store/ports';
import { localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { FakeGraph } from '../../harness/fake-graph';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import { reachReport } from '../../../services/reach/report';
import { TEST_BOT_ID, TEST_TENANT_ID } from '../../harness/teams-activities';

const CLIENT = { tenantId: TEST_TENANT_ID, clientId: TEST_BOT_ID, clientSecret: 'test-only-client-secret' };
const CATALOG_APP = 'c4a1b2d3-0000-4000-8000-0000000a99c1';
const INSTALL_PERMISSION = 'TeamsAppInstallation.ReadWriteSelfForUser.All';

describe('reaching directory people who have never opened the app', () => {
  let store: Store;
  let connector: FakeConnector;
  let graph: FakeGraph;
  let agent: https.Agent;
  let deps: ReachDeps;
  const clock = new FixedClock('2026-11-23T08:00:00Z');

  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    graph = await FakeGraph.start(CLIENT);
    agent = new https.Agent({ ca: graph.ca });
    clock.set('2026-11-23T08:00:00Z');
    deps = {
      store,
      clock,
      graph: new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...CLIENT }, { agent, retryDelayInMs: 10 }),
      settings: {
        tenantId: TEST_TENANT_ID,
        catalogAppId: CATALOG_APP,
        botId: `28:${TEST_BOT_ID}`,
        serviceUrl: connector.serviceUrl,
        installsPerSecond: 1000,
        retryDays: 7,
      },
    };
  });
  afterEach(async () => {
    agent.destroy();
    await graph.close();
    await connector.close();
    await store.close();
  });

  /** Directory people of the home tenant, known to Graph; none has a chat with the bot yet. */
  async function homeTenantPeople(count: number, options: { blocked?: number[] } = {}): Promise<Person[]> {
    const people = Array.from({ length: count }, (_, i) =>
      person({ id: `p${i}`, name: `Person ${i}`, aadObjectId: `aad-p${i}`, email: `p${i}@council.example` }),
    );
    await seed(store, { people });
    people.forEach((p, i) => graph.setUser({ id: p.aadObjectId!, blocked: options.blocked?.includes(i) ?? false }));
    return people;
  }
  const state = async (personId: string) => (await store.collection<ReachState>('reach').read(ORG, reachStateId(personId))) as ReachState | undefined;
  const installPosts = () => graph.graphCalls({ method: 'POST', pathEndsWith: '/installedApps' });

  it('installs the app for each, records their chat, and the outbox then delivers to them in Teams', async () => {
    const people = await homeTenantPeople(12, { blocked: [3] });
    // A partner-agency officer: in our directory, but Graph does not know them in this tenant.
    await seed(store, {
      people: [
        person({ id: 'police', name: 'Pat Police', aadObjectId: 'aad-police', email: 'pat@police.example' }),
        person({ id: 'noid', name: 'No Id', email: 'noid@school.example' }),
      ],
    });

    const summary = await reachPeople(deps, ORG);
    expect(summary).toEqual({
      installed: 11,
      alreadyReachable: 0,
      notReachable: { blocked: 1, 'not-in-tenant': 1, 'removed-app': 0, 'no-entra-id': 1, failed: 0 },
    });
    expect(graph.installationsFor('aad-p0')).toHaveLength(1);
    expect(await state('p3')).toMatchObject({ outcome: 'blocked', attempts: 1, retryAfter: '2026-11-30T08:00:00.000Z' });
    expect(await state('police')).toMatchObject({ outcome: 'not-in-tenant' });

    const conversation = await store.collection<ConversationRecord>('conversations').read(ORG, 'personal-aad-p0');
    expect(conversation).toMatchObject({
      reachable: true,
      personId: 'p0',
      conversationId: graph.installationsFor('aad-p0')[0]!.chatId,
      serviceUrl: connector.serviceUrl,
      tenantId: TEST_TENANT_ID,
    });

    for (const p of people)
      await enqueue(store, clock, {
        id: `hello-${p.id}`,
        orgId: ORG,
        purpose: 'reminder',
        recipient: { personId: p.id },
        message: { kind: 'notice', title: 'Hello', text: 'x' },
      });
    const sender = new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
      { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 16 },
    );
    await sender.drain(ORG);
    expect(connector.activities({ conversationId: graph.installationsFor('aad-p5')[0]!.chatId })).toHaveLength(1);
    const { counts } = await deliveryStatus(store, ORG, { purpose: 'reminder' });
    expect(counts).toMatchObject({ sent: 11, unreachable: 1 });
  });

  it('a rerun installs nothing twice and leaves a blocked person alone until their retry date', async () => {
    await homeTenantPeople(5, { blocked: [2] });
    await reachPeople(deps, ORG);
    const posts = installPosts().length;
    expect(posts).toBe(5);

    clock.set('2026-11-24T08:00:00Z');
    expect(await reachPeople(deps, ORG)).toMatchObject({ installed: 0, alreadyReachable: 4, notReachable: { blocked: 1 } });
    expect(installPosts()).toHaveLength(posts);

    clock.set('2026-12-01T08:00:00Z'); // a week on: one more try, then another week's rest
    await reachPeople(deps, ORG);
    expect(installPosts()).toHaveLength(posts + 1);
    expect(await state('p2')).toMatchObject({ outcome: 'blocked', attempts: 2, retryAfter: '2026-12-08T08:00:00.000Z' });
  });

  it('rides out Graph throttling: installs retried after Retry-After, everyone installed once', async () => {
    await homeTenantPeople(4);
    graph.fail({ status: 429, retryAfterSeconds: 1 }, { times: 2, match: (c) => c.method === 'POST' });
    expect(await reachPeople(deps, ORG)).toMatchObject({ installed: 4 });
    expect(installPosts().map((c) => c.status)).toEqual([429, 429, 201, 201, 201, 201]);
    for (let i = 0; i < 4; i++) expect(graph.installationsFor(`aad-p${i}`)).toHaveLength(1);
  });

  it('a missing Graph permission stops the run and tells each administrator once, not once per person', async () => {
    await homeTenantPeople(20);
    await seed(store, {
      people: [person({ id: 'admin1', name: 'Ada Admin', roles: ['admin'] }), person({ id: 'admin2', name: 'Bo Admin', roles: ['admin'] })],
    });
    graph.revoke(INSTALL_PERMISSION);

    const first = await reachPeople(deps, ORG);
    expect(first.permissionMissing).toMatch(/TeamsAppInstallation\.ReadWriteSelfForUser\.All/);
    expect(installPosts()).toHaveLength(1); // no point asking for the other nineteen
    clock.set('2026-11-24T08:00:00Z');
    await reachPeople(deps, ORG);

    const notices = (await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items;
    expect(notices.map((n) => n.recipient)).toEqual(expect.arrayContaining([{ personId: 'admin1' }, { personId: 'admin2' }]));
    expect(notices).toHaveLength(2);
    expect(notices[0]!.message).toMatchObject({
      kind: 'notice',
      text: expect.stringContaining('TeamsAppInstallation.ReadWriteSelfForUser.All with admin consent'),
    });
    // Nobody is marked blocked for what is the organisation's problem, not theirs.
    expect(await state('p0')).toBeUndefined();

    // Consent granted; a token issued after it (tokens carry their permissions) lets the next run install.
    graph.grant(INSTALL_PERMISSION);
    const graphAfterConsent = new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...CLIENT }, { agent, retryDelayInMs: 10 });
    expect(await reachPeople({ ...deps, graph: graphAfterConsent }, ORG)).toMatchObject({ installed: 20 });
    expect((await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items).toHaveLength(2);
  });

  it('runs as the working-day job before the reminders, and the report then says who is reached and why not', async () => {
    await homeTenantPeople(3, { blocked: [1] });
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    const ctx = { store, clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger };
    expect(await runJob('reach', ctx)).toMatchObject({ notConfigured: expect.stringContaining('TEAMS_CATALOG_APP_ID') });
    expect(installPosts()).toHaveLength(0);

    expect(await runJob('reach', { ...ctx, reach: { graph: deps.graph, settings: deps.settings } })).toMatchObject({
      installed: 2,
      notReachable: { blocked: 1 },
    });
    const report = await reachReport(store, { orgId: ORG });
    expect(report.counts).toEqual({ teams: 2, email: 0, unreachable: 1 });
    expect(report.rows.find((r) => r.personId === 'p1')).toMatchObject({ channel: 'unreachable', why: expect.stringContaining('blocked for them in Teams') });
  });

  it('the daily run sends each administrator one digest of everyone unreachable, once a day', async () => {
    await homeTenantPeople(30, { blocked: [4, 9] });
    await seed(store, { people: [person({ id: 'admin1', name: 'Ada Admin', roles: ['admin'], aadObjectId: 'aad-admin1' })] });
    graph.setUser({ id: 'aad-admin1' });
    await seed(store, { people: Array.from({ length: 8 }, (_, i) => person({ id: `partner${i}`, name: `Partner ${i}`, aadObjectId: `aad-partner${i}` })) }); // not in this tenant
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    const ctx = {
      store,
      clock,
      orgId: ORG,
      organisation,
      calendar: new WorkingCalendar(),
      logger: silentLogger,
      reach: { graph: deps.graph, settings: deps.settings },
    };
    expect(await runJob('reach', ctx)).toMatchObject({ installed: 29, unreachable: 10, digests: 1 });
    expect(await runJob('reach', ctx)).toMatchObject({ installed: 0, unreachable: 10, digests: 0 });
    const notices = (await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items;
    expect(notices.map((n) => n.id)).toEqual(['reach-digest-2026-11-23-to-admin1']);
    expect(notices[0]!.message).toMatchObject({
      title: 'People Teams cannot reach: 10',
      text: expect.stringContaining('- 8: not a user of this organisation'),
    });

    await new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
      { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 16 },
    ).drain(ORG);
    expect(connector.activities({ conversationId: graph.installationsFor('aad-admin1')[0]!.chatId })).toHaveLength(1);
  });

  it('never re-installs the app for someone who removed it', async () => {
    const [p] = await homeTenantPeople(1);
    await store.collection<ConversationRecord>('conversations').upsert({
      id: `personal-${p!.aadObjectId}`,
      orgId: ORG,
      kind: 'personal',
      tenantId: TEST_TENANT_ID,
      conversationId: 'a:old-chat',
      serviceUrl: connector.serviceUrl,
      botId: `28:${TEST_BOT_ID}`,
      personId: p!.id,
      reachable: false,
      unreachableReason: 'removed the app',
      installedAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-10T00:00:00.000Z',
    });
    expect(await reachPeople(deps, ORG)).toMatchObject({ installed: 0, notReachable: { 'removed-app': 1 } });
    expect(installPosts()).toHaveLength(0);
  });
});
