import { scopeOfRequester } from '../../services/access/policy';
import type { Escalation } from '../../services/escalations/model';
import { addAgency } from '../../services/organisation/agencies';
import { ensureOrganisation, partnershipOf } from '../../services/organisation/organisations';
import type { Person } from '../../services/people/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { runJob } from '../../bot/jobs';
import { silentLogger } from '../../services/core/logger';
import { toArray } from '../../services/store/ports';
import { setUpTraining } from '../../services/training/catalogue';
import { importPeople, importTraining } from '../../services/training/import';
import { cardsAnswering, startTestApp, type TestApp } from '../harness/app';
import { actionDoc, ORG, person, seed } from '../harness/fixtures';
import { startOpenIdServer } from '../harness/openid';
import {
  cardText,
  installationUpdate,
  tableRows,
  invokeActionExecute,
  messageActivity,
  personalConversationId,
  type TeamsUser,
} from '../harness/teams-activities';
import {
  COUNCIL_TENANT,
  HEALTH_TENANT,
  oid,
  peopleFile,
  POLICE_TENANT,
  type Staff,
  table,
  tabSsoSettings,
  tabSsoToken,
  teamsUser,
  appEvents,
} from '../harness/partnership';

/*
 * The partnership's done-means, over real HTTP with the fake Bot Connector: two agencies in two
 * tenants (and a third agency that must hear nothing), each agency's HR importing its own staff.
 */
const STRANGER_TENANT = 'f0f0f0f0-0000-4000-8000-000000000009';

const COUNCIL: Record<string, Staff> = {
  hr: { employee: 'H1', name: 'Hana Council-HR', email: 'hana@council.example', department: 'HR', jobTitle: 'HR Adviser', oid: oid(1), tenant: COUNCIL_TENANT },
  lead: {
    employee: 'C1',
    name: 'Carol Council-Lead',
    email: 'carol@council.example',
    department: 'Children',
    jobTitle: 'Social Worker',
    oid: oid(2),
    tenant: COUNCIL_TENANT,
  },
  late: {
    employee: 'C2',
    name: 'Dee Council-Overdue',
    email: 'dee@council.example',
    department: 'Children',
    jobTitle: 'Social Worker',
    oid: oid(3),
    tenant: COUNCIL_TENANT,
  },
  sl: {
    employee: 'C3',
    name: 'Sid Council-Lead-SL',
    email: 'sid@council.example',
    department: 'Children',
    jobTitle: 'Safeguarding Lead',
    oid: oid(4),
    tenant: COUNCIL_TENANT,
  },
  admin: {
    employee: 'C4',
    name: 'Ada Council-Admin',
    email: 'ada@council.example',
    department: 'Policy',
    jobTitle: 'Policy Officer',
    oid: oid(5),
    tenant: COUNCIL_TENANT,
  },
};
const POLICE: Record<string, Staff> = {
  hr: {
    employee: 'H1',
    name: 'Harold Police-HR',
    email: 'harold@police.example',
    department: 'HR',
    jobTitle: 'HR Adviser',
    oid: oid(11),
    tenant: POLICE_TENANT,
  },
  lead: {
    employee: 'C1',
    name: 'Pat Police-Lead',
    email: 'pat@police.example',
    department: 'Public Protection',
    jobTitle: 'Detective',
    oid: oid(12),
    tenant: POLICE_TENANT,
  },
  late: {
    employee: 'C2',
    name: 'Pete Police-Overdue',
    email: 'pete@police.example',
    department: 'Public Protection',
    jobTitle: 'Detective',
    oid: oid(13),
    tenant: POLICE_TENANT,
  },
  sl: {
    employee: 'C3',
    name: 'Polly Police-SL',
    email: 'polly@police.example',
    department: 'Public Protection',
    jobTitle: 'Safeguarding Lead',
    oid: oid(14),
    tenant: POLICE_TENANT,
  },
  admin: {
    employee: 'C4',
    name: 'Percy Police-Admin',
    email: 'percy@police.example',
    department: 'Command',
    jobTitle: 'Inspector',
    oid: oid(15),
    tenant: POLICE_TENANT,
  },
};
const HEALTH_SL: Staff = {
  employee: 'N1',
  name: 'Harriet Health-SL',
  email: 'harriet@health.example',
  department: 'Safeguarding',
  jobTitle: 'Named Nurse',
  oid: oid(21),
  tenant: HEALTH_TENANT,
};
const BUSINESS_MANAGER: Staff = {
  employee: 'B1',
  name: 'Bea Business-Manager',
  email: 'bea@council.example',
  department: 'Partnership',
  jobTitle: 'Business Manager',
  oid: oid(6),
  tenant: COUNCIL_TENANT,
};
const ALL_STAFF = [...Object.values(COUNCIL), ...Object.values(POLICE), HEALTH_SL, BUSINESS_MANAGER];

describe('a partnership of two agencies, through Teams and the tab', () => {
  let t: TestApp;
  let openId: Awaited<ReturnType<typeof startOpenIdServer>>;
  const personOf = async (s: Staff) =>
    (
      await t.store
        .collection<Person>('people')
        .query({
          query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.email = @email',
          parameters: [
            { name: '@orgId', value: ORG },
            { name: '@email', value: s.email },
          ],
        })
        [Symbol.asyncIterator]()
        .next()
    ).value as Person;

  /** What the bot answers a typed command in the personal chat: the cards' content only. */
  const say = (s: Staff, text: string) => cardsAnswering(t, teamsUser(s), text);
  const received = (s: Staff) => t.connector.activities({ conversationId: personalConversationId(teamsUser(s)) });
  const tab = async (s: Staff, path: string) => {
    const res = await fetch(`${t.app.url}${path}`, { headers: { authorization: `Bearer ${tabSsoToken(openId.trustedKey, s)}` } });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    openId = await startOpenIdServer();
    // No ALLOWED_TENANT_IDS: the agencies' tenants are the allowed ones.
    t = await startTestApp({
      ...tabSsoSettings(openId),
      DELIVERY_INTERVAL_SECONDS: '3600',
    });
    t.clock.set('2026-11-23T09:00:00Z'); // a Monday
    const defaults = { timeZone: 'Europe/London' };
    await addAgency(t.store, t.clock, ORG, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, defaults, appEvents());
    await addAgency(t.store, t.clock, ORG, { name: 'Police', tenantIds: [POLICE_TENANT] }, defaults, appEvents());
    await addAgency(t.store, t.clock, ORG, { name: 'Health', tenantIds: [HEALTH_TENANT] }, defaults, appEvents());
    await setUpTraining(t.store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
    // The operator seeds each agency's HR; each HR then imports their own staff.
    await seed(t.store, {
      people: [
        person({ id: 'emp-H1', name: COUNCIL.hr!.name, email: COUNCIL.hr!.email, agency: 'council', roles: ['hr'] }),
        person({ id: 'emp-police-H1', name: POLICE.hr!.name, email: POLICE.hr!.email, agency: 'police', roles: ['hr'] }),
      ],
    });
    const partnership = await partnershipOf(t.store, ORG);
    for (const [staff, hr] of [
      [COUNCIL, 'emp-H1'],
      [POLICE, 'emp-police-H1'],
    ] as const) {
      const importer = (await t.store.collection<Person>('people').read(ORG, hr))!;
      const agency = scopeOfRequester(importer, partnership).agency!;
      expect(
        await importPeople({ store: t.store, clock: t.clock }, { orgId: ORG, agency, dryRun: false, table: peopleFile(Object.values(staff)) }),
      ).toMatchObject({ problems: [] });
      const training = table(
        ['Employee Number', 'Course', 'Completion Date', 'Status'],
        [
          [staff.lead!.employee, 'SG-AWARE', '2026-06-01', 'Completed'],
          [staff.sl!.employee, 'SG-AWARE', '2026-06-01', 'Completed'],
        ],
      );
      expect(await importTraining({ store: t.store, clock: t.clock }, { orgId: ORG, agency, dryRun: false, table: training })).toMatchObject({
        created: 2,
        problems: [],
      });
    }
    expect(
      await importPeople({ store: t.store, clock: t.clock }, { orgId: ORG, agency: 'health', dryRun: false, table: peopleFile([HEALTH_SL]) }),
    ).toMatchObject({ created: 1 });
    expect(
      await importPeople({ store: t.store, clock: t.clock }, { orgId: ORG, agency: 'council', dryRun: false, table: peopleFile([BUSINESS_MANAGER]) }),
    ).toMatchObject({ created: 1 });
    // Roles given in the app: administrators, safeguarding leads, the business manager.
    const roles: [Staff, Person['roles']][] = [
      [COUNCIL.admin!, ['admin']],
      [POLICE.admin!, ['admin']],
      [COUNCIL.sl!, ['safeguarding-lead']],
      [POLICE.sl!, ['safeguarding-lead']],
      [HEALTH_SL, ['safeguarding-lead']],
      [BUSINESS_MANAGER, ['business-manager']],
    ];
    for (const [s, r] of roles) await t.store.collection<Person>('people').update(ORG, (await personOf(s)).id, (p) => ({ ...p, roles: r }));
    for (const s of ALL_STAFF)
      expect((await t.post(installationUpdate({ serviceUrl: t.connector.serviceUrl, user: teamsUser(s), action: 'add' }))).status).toBeLessThan(300);
    await t.connector.waitForActivities(ALL_STAFF.length);
    t.connector.reset();
  });
  afterAll(async () => {
    await t.close();
    await openId.close();
  });

  it('answers every agency’s tenant and no other', async () => {
    expect(cardText(JSON.parse(await say(HEALTH_SL, 'help'))[0])).toMatch(/help/i);
    const stranger: TeamsUser = { id: '29:x', aadObjectId: oid(99), name: 'Somebody', tenantId: STRANGER_TENANT };
    const res = await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user: stranger, text: 'help' }));
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'TENANT_NOT_ALLOWED' } } });
  });

  it('each agency’s HR sees only its own people in "training overdue" and "training report"', async () => {
    const councilOverdue = await say(COUNCIL.hr!, 'training overdue');
    expect(councilOverdue).toContain(COUNCIL.late!.name);
    for (const s of Object.values(POLICE)) expect(councilOverdue).not.toContain(s.name);
    const policeOverdue = await say(POLICE.hr!, 'training overdue');
    expect(policeOverdue).toContain(POLICE.late!.name);
    for (const s of Object.values(COUNCIL)) expect(policeOverdue).not.toContain(s.name);
    // Five staff each, two of them trained (both in Public Protection): each HR's rates are their own agency's alone.
    const policeRates = await say(POLICE.hr!, 'training report by department');
    expect(tableRows(policeRates)).toEqual([
      ['Department', 'Required', 'Within validity', '% within validity', 'Within 12 months', '% within 12 months'],
      ['Command', '1', '0', '0%', '0', '0%'],
      ['HR', '1', '0', '0%', '0', '0%'],
      ['Public Protection', '3', '2', '66.7%', '2', '66.7%'],
      ['All', '5', '2', '40%', '2', '40%'],
    ]);
    const councilRates = await say(COUNCIL.hr!, 'training report by department');
    expect(councilRates).toContain('Children');
    expect(councilRates).not.toContain('Public Protection');
  });

  it('each agency’s HR sees only its own people in the tab, signed in from their own tenant', async () => {
    const council = await tab(COUNCIL.hr!, '/api/tab/training/overdue');
    expect(council.status).toBe(200);
    expect(council.text).toContain(COUNCIL.late!.name);
    for (const s of Object.values(POLICE)) expect(council.text).not.toContain(s.name);
    const police = await tab(POLICE.hr!, '/api/tab/training/overdue');
    expect(police.text).toContain(POLICE.late!.name);
    for (const s of Object.values(COUNCIL)) expect(police.text).not.toContain(s.name);
    const rates = await tab(POLICE.hr!, '/api/tab/training?by=department');
    expect(rates.status).toBe(200);
    expect(rates.text).toContain('Public Protection');
    expect(rates.text).not.toContain('Children');
  });

  it('attack: a person of one agency signing in to the tab from another agency’s tenant is no one', async () => {
    const res = await tab({ ...POLICE.hr!, tenant: COUNCIL_TENANT }, '/api/tab/training/overdue');
    expect(res.status).toBe(403);
    for (const s of [...Object.values(COUNCIL), ...Object.values(POLICE)]) expect(res.text).not.toContain(s.name);
  });

  describe('an action led by both agencies', () => {
    let actionId: string;
    beforeAll(async () => {
      const [carol, pat] = [await personOf(COUNCIL.lead!), await personOf(POLICE.lead!)];
      actionId = 'shared-action';
      await t.store
        .collection('plans')
        .upsert({ id: 'plan', orgId: ORG, title: 'Business plan', learningPoints: [{ number: 3, title: 'Working together' }] } as never);
      await seed(t.store, {
        actions: [
          actionDoc({
            id: actionId,
            ref: 'LP3.1',
            learningPoint: 3,
            leadIds: [carol.id, pat.id],
            leads: [
              { name: carol.name, personId: carol.id },
              { name: pat.name, personId: pat.id },
            ],
            due: { dates: ['2026-11-23'], ongoing: null, text: '23 November 2026' },
            nextDueDate: '2026-11-23',
          }),
        ],
      });
    });

    it('reminds both agencies’ leads, and no one else', async () => {
      t.connector.reset();
      const organisation = await ensureOrganisation(t.store, t.clock, ORG, { timeZone: 'Europe/London' });
      await runJob('daily-reminders', { store: t.store, clock: t.clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger });
      await t.app.sender.drain(ORG);
      expect(JSON.stringify(received(COUNCIL.lead!))).toContain('LP3.1');
      expect(JSON.stringify(received(POLICE.lead!))).toContain('LP3.1');
      for (const s of ALL_STAFF.filter((s) => s !== COUNCIL.lead && s !== POLICE.lead)) expect(received(s)).toEqual([]);
    });

    it('rated Red, it escalates to both leads; moved up, to both agencies’ safeguarding leads (the business manager informed) and no one else', async () => {
      t.connector.reset();
      const action = (await t.store.collection<{ id: string; orgId: string; version: number }>('actions').read(ORG, actionId))!;
      const res = await t.post(
        invokeActionExecute({
          serviceUrl: t.connector.serviceUrl,
          user: teamsUser(COUNCIL.lead!),
          verb: 'action.update',
          data: { actionId, version: action.version, status: 'R', progress: 'Stalled', reason: 'No venue', remedialAction: 'Book the police venue' },
        }),
      );
      expect(res.status).toBe(200);
      await t.app.sender.drain(ORG);
      const [escalation] = (
        await toArray(t.store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'))
      ).filter((e) => e.actionId === actionId);
      expect(escalation).toMatchObject({ stage: 1, status: 'open' });
      // Every alert, to act or for information, shows the case's reference.
      const alerted = (s: Staff) => JSON.stringify(received(s)).includes(escalation!.ref);
      expect(
        ALL_STAFF.filter(alerted)
          .map((s) => s.name)
          .sort(),
      ).toEqual([COUNCIL.lead!.name, POLICE.lead!.name].sort());

      t.connector.reset();
      const moved = await t.post(
        invokeActionExecute({
          serviceUrl: t.connector.serviceUrl,
          user: teamsUser(POLICE.lead!),
          verb: 'esc.move',
          data: { escalationId: escalation!.id, moveReason: 'Needs the leads of both agencies' },
        }),
      );
      expect(moved.status).toBe(200);
      await t.app.sender.drain(ORG);
      expect(
        ALL_STAFF.filter(alerted)
          .map((s) => s.name)
          .sort(),
      ).toEqual([COUNCIL.sl!.name, POLICE.sl!.name, BUSINESS_MANAGER.name].sort());

      // Both agencies' leads find it in their list; the third agency's lead and another agency's administrator do not.
      expect(await say(POLICE.sl!, 'escalations')).toContain(escalation!.ref);
      expect(await say(COUNCIL.sl!, 'escalations')).toContain(escalation!.ref);
      expect(await say(HEALTH_SL, 'escalations')).not.toContain(escalation!.ref);
      // The police's administrator sees it too: it is about one of their people.
      expect(await say(POLICE.admin!, 'escalations')).toContain(escalation!.ref);
      const opened = await t.post(
        invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: teamsUser(HEALTH_SL), verb: 'esc.open', data: { escalationId: escalation!.id } }),
      );
      expect(JSON.stringify(opened.body)).not.toContain('Stalled');
      expect(JSON.stringify(opened.body)).toMatch(/does not exist or is not yours to see/);
    });
  });

  it('the board report shows both agencies’ figures and neither’s names; another agency’s administrator cannot have it', async () => {
    const board = await say(COUNCIL.admin!, 'partnership report');
    for (const heading of ['Plan RAG by agency', 'Training by agency', 'Escalations by agency and stage', 'Council', 'Police'])
      expect(board).toContain(heading);
    for (const s of ALL_STAFF) expect(board).not.toContain(s.name);
    expect(await say(BUSINESS_MANAGER, 'partnership report')).toContain('Training by agency');
    // The same report in the tab, for the same people only.
    expect((await tab(COUNCIL.admin!, '/api/tab/me')).text).toContain('"partnership"');
    expect((await tab(POLICE.admin!, '/api/tab/me')).text).not.toContain('"partnership"');
    const inTab = await tab(COUNCIL.admin!, '/api/tab/partnership');
    expect(inTab.status).toBe(200);
    expect(JSON.parse(inTab.text).sections.map((r: { title: string }) => r.title)).toEqual([
      'Plan RAG by priority',
      'Plan RAG by agency',
      'Training by agency',
      'Escalations by agency and stage',
      'Questionnaires by agency',
    ]);
    for (const s of ALL_STAFF) expect(inTab.text).not.toContain(s.name);
    expect((await tab(POLICE.hr!, '/api/tab/partnership')).status).toBe(403);
    const refused = await say(POLICE.admin!, 'partnership report');
    expect(refused).toMatch(/FORBIDDEN|not allowed|partnership’s administrators/);
    expect(refused).not.toContain('Training by agency');
  });

  it('the board report is served from its one declaration: "report partnership" in Teams and /api/tab/reports/partnership give the same sections as the old names, to the same people', async () => {
    const old = JSON.parse((await tab(COUNCIL.admin!, '/api/tab/partnership')).text).sections;
    const declared = await tab(COUNCIL.admin!, '/api/tab/reports/partnership');
    expect(declared.status).toBe(200);
    expect(JSON.parse(declared.text)).toMatchObject({ title: 'Partnership', report: old });
    expect(JSON.parse((await tab(COUNCIL.admin!, '/api/tab/reports/partnership?at=2026-11-23')).text).report.map((r: { title: string }) => r.title)).toEqual(
      old.map((r: { title: string }) => r.title),
    );
    expect((await tab(COUNCIL.admin!, '/api/tab/reports/partnership?at=yesterday')).status).toBe(400);
    expect((await tab(POLICE.admin!, '/api/tab/reports/partnership')).status).toBe(403);
    const typed = await say(COUNCIL.admin!, 'report partnership');
    for (const heading of ['Plan RAG by agency', 'Training by agency', 'Escalations by agency and stage']) expect(typed).toContain(heading);
    for (const s of ALL_STAFF) expect(typed).not.toContain(s.name);
    expect(await say(COUNCIL.admin!, 'report')).toContain('report partnership');
    expect(await say(POLICE.admin!, 'report')).not.toContain('report partnership');
    expect(await say(POLICE.admin!, 'report partnership')).not.toContain('Training by agency');
  });
});
