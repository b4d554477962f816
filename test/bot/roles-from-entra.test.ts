import https from 'node:https';
import { runJob, type JobContext } from '../../bot/jobs';
import { loadConfig } from '../../services/core/config';
import { silentLogger } from '../../services/core/logger';
import type { Escalation } from '../../services/escalations/model';
import { addAgency } from '../../services/organisation/agencies';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Person } from '../../services/people/model';
import { grantRole, mapGroup } from '../../services/people/roles';
import { groupRolesFromConfig } from '../../services/reach/setup';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { toArray } from '../../services/store/ports';
import { setUpTraining } from '../../services/training/catalogue';
import { importPeople } from '../../services/training/import';
import { cardsAnswering, startTestApp, type TestApp } from '../harness/app';
import { FakeGraph } from '../harness/fake-graph';
import { actionDoc, ORG, seed } from '../harness/fixtures';
import { CLIENT_ID, COUNCIL_TENANT, HOST, oid, peopleFile, type Staff, tabSsoToken, teamsUser, appEvents } from '../harness/partnership';
import { startOpenIdServer } from '../harness/openid';
import { installationUpdate, invokeActionExecute, personalConversationId, TEST_BOT_ID } from '../harness/teams-activities';
import { flushAudit } from '../../services/audit/audit-log';
import { auditReport } from '../../services/dashboard/audit-report';

/*
 * Issue 24's done-means, steps 1 to 3, on a deployment without the demo data: the embedded store,
 * a fake Microsoft Graph over HTTPS (with its token endpoint), and the app over HTTP as Teams calls
 * it. Nobody has a role until IT's groups, the bootstrap setting and an administrator give them one.
 */
const CLIENT = { tenantId: COUNCIL_TENANT, clientId: TEST_BOT_ID, clientSecret: 'test-only-client-secret' };
const HR_GROUP = '9a1e0000-0000-4000-8000-0000000000a1';
const LEADS_GROUP = '9a1e0000-0000-4000-8000-0000000000a2';
const LEADS_NESTED = '9a1e0000-0000-4000-8000-0000000000a3';
const MORE_HR_GROUP = '9a1e0000-0000-4000-8000-0000000000a4';
const TAB_HR_GROUP = '9a1e0000-0000-4000-8000-0000000000a5';

const staff = (n: number, name: string, department: string, jobTitle: string): Staff => ({
  employee: `E${n}`,
  name,
  email: `${name.split(' ')[0]!.toLowerCase()}@council.example`,
  department,
  jobTitle,
  oid: oid(n),
  tenant: COUNCIL_TENANT,
});
const ADMIN = staff(1, 'Ada Administrator', 'Policy', 'Policy Officer');
const HR = staff(2, 'Hana Human-Resources', 'HR', 'HR Adviser');
const LEAD = staff(3, 'Sid Safeguarding-Lead', 'Children', 'Named Safeguarding Officer');
const OWNER = staff(4, 'Owen Action-Owner', 'Children', 'Team Manager');
const HEAD = staff(5, 'Hattie Head-Of-Service', 'Children', 'Head of Children’s Services');
const EXEC = staff(6, 'Ezra Executive', 'Chief Executive’s Office', 'Chief Executive');
const LATE = staff(7, 'Dee Overdue', 'Children', 'Social Worker');
const TRAINER = staff(8, 'Tam Trainer', 'HR', 'Training Officer');
const EVERYONE = [ADMIN, HR, LEAD, OWNER, HEAD, EXEC, LATE, TRAINER];

describe('a council’s roles come from its Entra groups and its first administrator, not from the database', () => {
  let t: TestApp;
  let graph: FakeGraph;
  let agent: https.Agent;
  let ctx: JobContext;
  let openId: Awaited<ReturnType<typeof startOpenIdServer>>;
  /** A request from the tab, signed in with Teams SSO as `s`. */
  const tab = async (s: Staff, path: string) => {
    const res = await fetch(`${t.app.url}${path}`, { headers: { authorization: `Bearer ${tabSsoToken(openId.trustedKey, s)}` } });
    return { status: res.status, text: await res.text() };
  };

  const say = (s: Staff, text: string) => cardsAnswering(t, teamsUser(s), text);
  const received = (s: Staff) => JSON.stringify(t.connector.activities({ conversationId: personalConversationId(teamsUser(s)) }));
  const personOf = async (s: Staff) => (await toArray(t.store.collection<Person>('people').readAll())).find((p) => p.aadObjectId === s.oid)!;
  const press = async (s: Staff, verb: string, data: Record<string, unknown>) => {
    const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: teamsUser(s), verb, data }));
    expect(res.status).toBe(200);
    await t.app.sender.drain(ORG);
    return JSON.stringify(res.body);
  };

  beforeAll(async () => {
    graph = await FakeGraph.start(CLIENT);
    agent = new https.Agent({ ca: graph.ca, keepAlive: true });
    // The Graph wiring as the app builds it from the bot's identity, pointed at the fake.
    const groupRoles = groupRolesFromConfig(loadConfig({ ...graph.appSettings(), ALLOWED_TENANT_IDS: COUNCIL_TENANT, GRAPH_READS_PER_SECOND: '20' }), {
      agent,
    })!;
    openId = await startOpenIdServer();
    t = await startTestApp(
      {
        SEED_DEMO_DATA: 'false',
        BOOTSTRAP_ADMIN_OBJECT_IDS: ADMIN.oid,
        DELIVERY_INTERVAL_SECONDS: '3600',
        PUBLIC_HOSTNAME: HOST,
        TAB_SSO_CLIENT_ID: CLIENT_ID,
        TAB_SSO_JWKS_URL: openId.metadataUrl.replace(/\/v1\/.*$/, '/keys'),
      },
      { groupRoles },
    );
    t.clock.set('2026-11-23T07:00:00Z'); // a Monday, when the roles job runs
    const organisation = await ensureOrganisation(t.store, t.clock, ORG, { timeZone: 'Europe/London' });
    await addAgency(t.store, t.clock, ORG, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, { timeZone: 'Europe/London' }, appEvents());
    await setUpTraining(t.store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
    ctx = { store: t.store, clock: t.clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger, groupRoles };
  });
  afterAll(async () => {
    await t.close();
    await openId.close();
    agent.destroy();
    await graph.close();
  });

  it('1. people imported with object ids are officers; the groups mapped to hr and safeguarding-lead give those roles at the roles run', async () => {
    expect(await importPeople({ store: t.store, clock: t.clock }, { orgId: ORG, agency: 'council', dryRun: false, table: peopleFile(EVERYONE) })).toMatchObject(
      { created: EVERYONE.length, problems: [] },
    );
    for (const s of EVERYONE) expect((await personOf(s)).roles).toEqual(['officer']);
    // Everyone has the app in Teams, so alerts reach their chat.
    for (const s of EVERYONE)
      expect((await t.post(installationUpdate({ serviceUrl: t.connector.serviceUrl, user: teamsUser(s), action: 'add' }))).status).toBeLessThan(300);
    await t.connector.waitForActivities(EVERYONE.length);
    t.connector.reset();
    // The first administrator exists from the setting the moment they sign in; they then see who holds what.
    const roles = await say(ADMIN, 'roles');
    expect(roles).toContain(ADMIN.name);
    expect(roles).toContain('BOOTSTRAP');
    expect((await personOf(ADMIN)).roles).toEqual(['officer', 'admin']);

    // IT's groups: HR in one; the safeguarding lead in a group nested inside the other (transitive membership).
    graph.setGroup(HR_GROUP, [HR.oid]);
    graph.setGroup(LEADS_GROUP, [{ group: LEADS_NESTED }]);
    graph.setGroup(LEADS_NESTED, [LEAD.oid]);
    const admin = await personOf(ADMIN);
    await mapGroup(t, { orgId: ORG, requester: admin, groupId: HR_GROUP, role: 'hr' });
    await mapGroup(t, { orgId: ORG, requester: admin, groupId: LEADS_GROUP, role: 'safeguarding-lead' });
    // Heads of service and the partnership executive are not in Entra groups: granted directly.
    await grantRole(t, { orgId: ORG, requester: admin, person: HEAD.email, role: 'head-of-service' });
    await grantRole(t, { orgId: ORG, requester: admin, person: EXEC.email, role: 'partnership-executive' });

    expect(await runJob('roles', ctx)).toMatchObject({ groups: 2, unreadable: 0, granted: 2, removed: 0 });
    expect((await personOf(HR)).roles).toEqual(['officer', 'hr']);
    expect((await personOf(LEAD)).roleGrants).toEqual([
      { role: 'safeguarding-lead', source: { kind: 'group', groupId: LEADS_GROUP, at: '2026-11-23T07:00:00.000Z' } },
    ]);
    expect(graph.graphCalls({ method: 'GET' }).map((c) => c.path)).toEqual([
      `/v1.0/groups/${HR_GROUP}/transitiveMembers/microsoft.graph.user`,
      `/v1.0/groups/${LEADS_GROUP}/transitiveMembers/microsoft.graph.user`,
    ]);
  });

  it('2. HR sees the named overdue list in Teams; a Red update reaches the safeguarding lead at stage 2, the head of service at 3 and the executive at 4', async () => {
    const overdue = await say(HR, 'training overdue');
    expect(overdue).toContain(LATE.name);
    expect(await say(LATE, 'training overdue')).not.toContain(HR.name);

    t.clock.set('2026-11-23T10:00:00Z');
    const owner = await personOf(OWNER);
    await seed(t.store, { actions: [actionDoc({ id: 'lp1', ref: 'LP1.1', leadIds: [owner.id], leads: [{ name: owner.name, personId: owner.id }] })] });
    await press(OWNER, 'action.update', {
      actionId: 'lp1',
      version: 1,
      status: 'R',
      progress: 'Stalled',
      reason: 'No venue',
      remedialAction: 'Book another venue',
    });
    const [escalation] = await toArray(t.store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'));
    expect(escalation).toMatchObject({ stage: 1, status: 'open' });
    const alerted = () => EVERYONE.filter((s) => received(s).includes(escalation!.ref)).map((s) => s.name);

    t.connector.reset();
    await press(OWNER, 'esc.move', { escalationId: escalation!.id, moveReason: 'Needs the safeguarding lead' });
    expect(alerted()).toEqual([LEAD.name]);

    t.connector.reset();
    await press(LEAD, 'esc.move', { escalationId: escalation!.id, moveReason: 'Needs the head of service' });
    expect(alerted()).toEqual([HEAD.name]);

    t.connector.reset();
    await press(HEAD, 'esc.move', { escalationId: escalation!.id, moveReason: 'Needs the partnership executive' });
    expect(alerted()).toEqual([EXEC.name]);
    expect(await t.store.collection<Escalation>('escalations').read(ORG, escalation!.id)).toMatchObject({ stage: 4, highestStage: 4 });
  });

  it('3. taken out of the group, the safeguarding lead loses the role at the next run; direct grants stay', async () => {
    graph.setGroup(LEADS_NESTED, []);
    t.clock.set('2026-11-24T07:00:00Z');
    expect(await runJob('roles', ctx)).toMatchObject({ groups: 2, unreadable: 0, granted: 0, removed: 1 });
    expect((await personOf(LEAD)).roles).toEqual(['officer']);
    expect((await personOf(LEAD)).roleGrants).toEqual([]);
    expect((await personOf(HR)).roles).toEqual(['officer', 'hr']);
    expect((await personOf(HEAD)).roles).toEqual(['officer', 'head-of-service']);
    expect((await personOf(EXEC)).roles).toEqual(['officer', 'partnership-executive']);
    expect((await personOf(ADMIN)).roles).toEqual(['officer', 'admin']);
  });

  it('4. the audit report shows HR’s view of the named overdue list and every grant, map and removal, with who and where', async () => {
    expect(await flushAudit(t.store)).toEqual([]);
    const admin = await personOf(ADMIN);
    const organisation = await ensureOrganisation(t.store, t.clock, ORG, { timeZone: 'Europe/London' });
    const report = await auditReport(t.store, organisation, { from: '2026-11-23', to: '2026-11-24', requester: admin });
    const rows = report.rows.map((r) => r.map(String));
    const row = (who: string, did: string, kind: string, id: string, detail: string) =>
      expect(rows).toContainEqual([expect.any(String), expect.any(String), who, expect.any(String), did, kind, id, expect.any(String), detail]);
    const [hr, lead, head, exec] = await Promise.all([personOf(HR), personOf(LEAD), personOf(HEAD), personOf(EXEC)]);
    row(hr.id, 'viewed', 'training-overdue-list', expect.any(String) as unknown as string, expect.any(String) as unknown as string);
    row('system', 'changed', 'person-roles', admin.id, 'granted admin bootstrap');
    row(admin.id, 'changed', 'role-group-map', HR_GROUP, 'mapped to hr');
    row(admin.id, 'changed', 'role-group-map', LEADS_GROUP, 'mapped to safeguarding-lead');
    row(admin.id, 'changed', 'person-roles', head.id, 'granted head-of-service directly');
    row(admin.id, 'changed', 'person-roles', exec.id, 'granted partnership-executive directly');
    row('system', 'changed', 'person-roles', hr.id, `granted hr from Entra group ${HR_GROUP}`);
    row('system', 'changed', 'person-roles', lead.id, `granted safeguarding-lead from Entra group ${LEADS_GROUP}`);
    row('system', 'changed', 'person-roles', lead.id, `revoked safeguarding-lead with Entra group ${LEADS_GROUP}`);
    // The system's changes say where they came from: the app itself, not a person at a surface.
    expect(rows.filter((r) => r[2] === 'system').every((r) => r[3] === 'system')).toBe(true);
  });

  it('signing in to the bot refreshes the person’s group roles without waiting for the next run', async () => {
    // A second HR group, mapped today: the executive is in it, and no run has read it yet.
    graph.setGroup(MORE_HR_GROUP, [EXEC.oid]);
    await mapGroup(t, { orgId: ORG, requester: await personOf(ADMIN), groupId: MORE_HR_GROUP, role: 'hr' });
    const overdue = await say(EXEC, 'training overdue');
    expect(overdue).toContain(LATE.name);
    expect((await personOf(EXEC)).roles).toEqual(['officer', 'hr', 'partnership-executive']);
  });

  it('signing in to the tab does the same', async () => {
    graph.setGroup(TAB_HR_GROUP, [TRAINER.oid]);
    await mapGroup(t, { orgId: ORG, requester: await personOf(ADMIN), groupId: TAB_HR_GROUP, role: 'hr' });
    const overdue = await tab(TRAINER, '/api/tab/training/overdue');
    expect(overdue.status).toBe(200);
    expect(overdue.text).toContain(LATE.name);
  });

  it('"roles" in Teams is for administrators', async () => {
    expect(await say(HR, 'roles')).toMatch(/FORBIDDEN/);
    const roles = await say(ADMIN, 'roles');
    for (const s of [ADMIN, HR, HEAD, EXEC]) expect(roles).toContain(s.name);
    expect(roles).toContain(HR_GROUP);
    expect(roles).toContain(`granted by ${ADMIN.name}`);
  });
});
