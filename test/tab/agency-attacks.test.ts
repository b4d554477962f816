import { openEscalation } from '../../services/escalations/escalations';
import { addAgency } from '../../services/organisation/agencies';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Person } from '../../services/people/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { createCampaign } from '../../services/surveys/campaigns';
import { setUpTraining } from '../../services/training/catalogue';
import type { TrainingRecord } from '../../services/training/model';
import { rebuildTrainingSummaries } from '../../services/training/summaries';
import { startTestApp, type TestApp } from '../harness/app';
import { actionDoc, ORG, person, seed } from '../harness/fixtures';
import { startOpenIdServer } from '../harness/openid';
import { cardText, messageActivity } from '../harness/teams-activities';
import { CLIENT_ID, COUNCIL_TENANT, HOST, oid, POLICE_TENANT, tabSsoToken, appEvents } from '../harness/partnership';
import { followUpBesideAnAgencyQuestionnaire, PARTNERSHIP_COMPARISON } from '../harness/surveys';

/*
 * An attacker who is a legitimate user of the police, with a genuine tab token, tries to reach the
 * council's people, training, reach status and cases through the tab API: forged query parameters
 * and ids, and tokens whose tenant and directory record do not belong together.
 */
/** Allowed by ALLOWED_TENANT_IDS (a deployment from before agencies), but no agency's. */
const LEGACY_TENANT = 'd0d0d0d0-0000-4000-8000-000000000004';

type Who = { person: Person; tenant: string };
const member = (agency: 'council' | 'police' | 'school', n: number, name: string, extra: Partial<Person> = {}): Who => ({
  person: person({
    id: `${agency}-${n}`,
    name,
    agency,
    department: agency === 'police' ? 'Public Protection' : 'Children',
    jobTitle: 'Officer',
    aadObjectId: oid(n),
    ...extra,
  }),
  tenant: agency === 'police' ? POLICE_TENANT : COUNCIL_TENANT,
});
const COUNCIL = {
  admin: member('council', 1, 'Ada Council-Admin', { roles: ['admin'], aadTenantId: COUNCIL_TENANT }),
  hr: member('council', 2, 'Hana Council-HR', { roles: ['hr'], aadTenantId: COUNCIL_TENANT }),
  // Linked by HR's object id alone: no tenant recorded with it yet (stamped when they first open the bot).
  late: member('council', 3, 'Dee Council-Overdue', { roles: ['hr'], department: 'Secret Unit' }),
  lead: member('council', 4, 'Carol Council-Lead', { aadTenantId: COUNCIL_TENANT }),
};
const POLICE = {
  admin: member('police', 11, 'Percy Police-Admin', { roles: ['admin'], aadTenantId: POLICE_TENANT }),
  hr: member('police', 12, 'Harold Police-HR', { roles: ['hr'], aadTenantId: POLICE_TENANT }),
  sl: member('police', 13, 'Polly Police-SL', { roles: ['safeguarding-lead'], aadTenantId: POLICE_TENANT }),
  officer: member('police', 14, 'Pete Police-Officer', { aadTenantId: POLICE_TENANT }),
  bm: member('police', 15, 'Bob Police-Business-Manager', { roles: ['business-manager'], aadTenantId: POLICE_TENANT }),
  // The only officer of the dog unit: a department of one.
  dog: member('police', 16, 'Dana Police-Dog-Handler', { department: 'Dog Unit', aadTenantId: POLICE_TENANT }),
};
/** A school's staff are guests in the council's tenant: the school lists no tenant of its own. */
const SCHOOL_HEAD = { ...member('school', 21, 'Sam School-Head'), tenant: COUNCIL_TENANT };
const COUNCIL_NAMES = Object.values(COUNCIL).map((w) => w.person.name);
const COUNCIL_WORDS = [...COUNCIL_NAMES, 'Children', 'Secret Unit'];

describe('a police user attacks the tab API for the council’s data', () => {
  let t: TestApp;
  let openId: Awaited<ReturnType<typeof startOpenIdServer>>;
  let councilCampaign: string;

  const token = (who: Who, over: Record<string, unknown> = {}) => tabSsoToken(openId.trustedKey, { oid: who.person.aadObjectId!, tenant: who.tenant }, over);
  const tab = async (who: Who, path: string, over: Record<string, unknown> = {}) => {
    const res = await fetch(`${t.app.url}${path}`, { headers: { authorization: `Bearer ${token(who, over)}` } });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) };
  };
  const expectNoCouncilData = (text: string) => {
    for (const word of COUNCIL_WORDS) expect(text).not.toContain(word);
  };

  beforeAll(async () => {
    openId = await startOpenIdServer();
    t = await startTestApp({
      ALLOWED_TENANT_IDS: LEGACY_TENANT,
      PUBLIC_HOSTNAME: HOST,
      TAB_SSO_CLIENT_ID: CLIENT_ID,
      TAB_SSO_JWKS_URL: openId.metadataUrl.replace(/\/v1\/.*$/, '/keys'),
      DELIVERY_INTERVAL_SECONDS: '3600',
    });
    t.clock.set('2026-11-23T09:00:00Z');
    const defaults = { timeZone: 'Europe/London' };
    await addAgency(t.store, t.clock, ORG, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, defaults, appEvents());
    await addAgency(t.store, t.clock, ORG, { name: 'Police', tenantIds: [POLICE_TENANT] }, defaults, appEvents());
    await addAgency(t.store, t.clock, ORG, { name: 'School' }, defaults, appEvents());
    const everyone = [...Object.values(COUNCIL), ...Object.values(POLICE), SCHOOL_HEAD].map((w) => w.person);
    await seed(t.store, {
      people: everyone,
      actions: [
        actionDoc({
          id: 'a1',
          ref: 'LP1.1',
          learningPoint: 1,
          leadIds: [COUNCIL.lead.person.id],
          leads: [{ name: COUNCIL.lead.person.name, personId: COUNCIL.lead.person.id }],
          status: 'R',
        }),
      ],
    });
    await t.store.collection('plans').upsert({ id: 'plan', orgId: ORG, title: 'Business plan', learningPoints: [{ number: 1, title: 'Leadership' }] } as never);
    await setUpTraining(t.store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['Officer'] }] });
    // One officer of each agency trained; the rest are overdue.
    for (const w of [COUNCIL.lead, POLICE.officer]) {
      await t.store.collection<TrainingRecord>('training').upsert({
        id: `rec-${w.person.id}`,
        orgId: ORG,
        kind: 'record',
        personId: w.person.id,
        agency: w.person.agency!,
        courseCode: 'SG-AWARE',
        completedOn: '2026-06-01',
        status: 'completed',
        source: 'import',
        createdAt: '2026-06-01T00:00:00Z',
      });
    }
    await rebuildTrainingSummaries(t.store, ORG);
    const organisation = await ensureOrganisation(t.store, t.clock, ORG, defaults);
    // A case about the council's lead alone: the police have no part in it.
    await openEscalation({ store: t.store, clock: t.clock, calendar: new WorkingCalendar() }, organisation, {
      id: 'esc-council',
      cause: 'action-red',
      source: 'automatic',
      actionId: 'a1',
      actionRef: 'LP1.1',
      summary: 'LP1.1 was rated Red',
      immediateRisk: false,
      raisedBy: { name: 'Safeguarding Action Tracker' },
      involvedPersonIds: [COUNCIL.lead.person.id],
      startStage: 1,
    });
    councilCampaign = (
      await createCampaign(
        { store: t.store, clock: t.clock, calendar: new WorkingCalendar() },
        {
          actor: COUNCIL.hr.person,
          timeZone: 'Europe/London',
          data: { questionnaire: 'awareness', title: 'Council staff survey', audience: { type: 'everyone' }, anonymous: false, closesOn: '2026-12-04' },
        },
      )
    ).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await openId?.close();
  });

  it('HR of the police asks for the council’s overdue list with ?agency=council, ?orgId= and ?personId= → the police’s own list only, no council names', async () => {
    for (const query of ['?agency=council', `?orgId=${ORG}&agency=council`, `?personId=${COUNCIL.late.person.id}`, '?agency=council&agency=police']) {
      const res = await tab(POLICE.hr, `/api/tab/training/overdue${query}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(POLICE.admin.person.name);
      expectNoCouncilData(res.text);
    }
  });

  it('HR of the police asks for the rates with ?agency=council or a council department → 400, nothing of the council', async () => {
    for (const query of ['?by=department&agency=council', '?by=department&department=Children', '?by=department&orgId=other-org', '?by=person']) {
      const res = await tab(POLICE.hr, `/api/tab/training${query}`);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } });
      expectNoCouncilData(res.text);
    }
    const own = await tab(POLICE.hr, '/api/tab/training?by=department');
    expect(own.status).toBe(200);
    expect(own.text).toContain('Public Protection');
    expectNoCouncilData(own.text);
  });

  it('the police’s safeguarding lead, who may not see who is overdue, gets no rate for the dog unit’s one handler, nor one that would give it away', async () => {
    const lead = await tab(POLICE.sl, '/api/tab/training?by=department');
    expect(lead.status).toBe(200);
    // Public Protection (five people) would be All less the dog unit, so it goes too.
    expect(lead.body.rows.map((r: { group: string }) => r.group)).toEqual(['All']);
    expect(lead.text).not.toContain('Dog Unit');
    // The report says why, so a missing department is not taken for one with nothing required.
    expect(lead.body.report.notes.join(' ')).toMatch(/fewer than 5 people.*are not shown/);
    // HR, who sees the named list anyway, sees every department, and no such note.
    const hr = await tab(POLICE.hr, '/api/tab/training?by=department');
    expect(hr.body.rows.map((r: { group: string }) => r.group)).toEqual(['Dog Unit', 'Public Protection', 'All']);
    expect(hr.body.report.notes.join(' ')).not.toMatch(/are not shown/);
  });

  it('an officer of the police forges the plan’s filters (?agency, ?sort, ?continuation) → 400 that says why', async () => {
    for (const query of ['?agency=council', '?sort=name', '?continuation=eyJ0b2tlbiI6IngifQ', '?status=R&status=A']) {
      expect(await tab(POLICE.officer, `/api/tab/plan${query}`)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } });
    }
  });

  it('HR of the police opens the council’s questionnaire by its id → 404 as if it did not exist, and the list shows it not', async () => {
    const res = await tab(POLICE.hr, `/api/tab/questionnaires/${encodeURIComponent(councilCampaign)}`);
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(res.text).not.toContain('Council staff survey');
    const list = await tab(POLICE.hr, '/api/tab/questionnaires');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(councilCampaign);
    // The council's own HR does see it: the id is right, the agency is wrong.
    expect((await tab(COUNCIL.hr, `/api/tab/questionnaires/${encodeURIComponent(councilCampaign)}`)).status).toBe(200);
  });

  it('HR of the police opens the partnership’s follow-up → its comparison joins the partnership’s questionnaire only, not the council’s own one answered by one person', async () => {
    const ids = await followUpBesideAnAgencyQuestionnaire(t.store, {
      partnershipAdmin: COUNCIL.admin.person,
      agencyHr: COUNCIL.hr.person,
      loneAnswerer: COUNCIL.lead.person,
      attendees: [COUNCIL.hr, POLICE.admin, POLICE.hr, POLICE.sl, POLICE.officer, COUNCIL.lead].map((w) => w.person),
    });
    expect((await tab(POLICE.hr, `/api/tab/questionnaires/${ids.agencyCampaignId}`)).status).toBe(404);
    const res = await tab(POLICE.hr, `/api/tab/questionnaires/${ids.followUpId}`);
    expect(res.status).toBe(200);
    expect(res.body.comparison).toMatchObject({
      immediate: { campaignIds: [ids.partnershipCampaignId], responses: 5 },
      followUp: { campaignIds: [ids.followUpId], responses: 5 },
    });
    expect(res.body.report.rows.filter((r: string[]) => r[0] === 'Immediate vs follow-up').map((r: string[]) => r.slice(1))).toEqual(PARTNERSHIP_COMPARISON);
    expect(res.text).not.toContain(ids.agencyCampaignId);
    expect(res.text).not.toContain('Our own specialist course check');
    // The follow-up is the partnership's: its own groups may name the council's departments, never its people.
    for (const name of COUNCIL_NAMES) expect(res.text).not.toContain(name);
    // The board report takes each campaign on its own: the council's one answer shows as neither a count nor a figure.
    const board = await tab(POLICE.bm, '/api/tab/partnership');
    const councilRows = board.body.sections.flatMap((s: { rows: unknown[][] }) => s.rows).filter((r: unknown[]) => r[0] === 'Our own specialist course check');
    expect(councilRows.length).toBeGreaterThan(0);
    for (const row of councilRows) expect([row[3], row[5]]).toEqual([null, null]);
  }, 60_000);

  it('the police’s administrator asks who is reached with ?agency=council → only the police’s people', async () => {
    const res = await tab(POLICE.admin, '/api/tab/reach?agency=council');
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { name: string }) => r.name).sort()).toEqual(
      Object.values(POLICE)
        .map((w) => w.person.name)
        .sort(),
    );
    expectNoCouncilData(res.text);
  });

  it('the police’s safeguarding lead lists escalations → the council’s own case at its first stage is not on it, nor counted by stage; the council’s administrator sees it', async () => {
    const res = await tab(POLICE.sl, '/api/tab/escalations?agency=council');
    expect(res.status).toBe(200);
    expect(res.body.escalations).toEqual([]);
    expect(res.body.byStage.map((s: { count: number }) => s.count).every((n: number) => n === 0)).toBe(true);
    expect((await tab(COUNCIL.admin, '/api/tab/escalations')).body.byStage.find((s: { stage: number }) => s.stage === 1).count).toBe(1);
    expect((await tab(COUNCIL.admin, '/api/tab/escalations')).body.escalations.map((e: { id: string }) => e.id)).toEqual(['esc-council']);
    // The business manager serves the whole partnership, but sees a case only when its ladder reaches them.
    expect((await tab(POLICE.bm, '/api/tab/escalations')).body.escalations).toEqual([]);
  });

  it('the police’s administrator and HR ask for the board report → 403; the partnership’s business manager gets figures and no names', async () => {
    for (const who of [POLICE.admin, POLICE.hr, POLICE.sl])
      expect(await tab(who, '/api/tab/partnership?agency=council')).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const board = await tab(POLICE.bm, '/api/tab/partnership');
    expect(board.status).toBe(200);
    for (const name of [...COUNCIL_NAMES, ...Object.values(POLICE).map((w) => w.person.name)]) expect(board.text).not.toContain(name);
  });

  it('a token from the police’s tenant carrying a council officer’s object id (recorded with no tenant) is no one, not the council’s HR', async () => {
    const res = await tab(COUNCIL.late, '/api/tab/training/overdue', { tid: POLICE_TENANT });
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'NOT_IN_DIRECTORY' } } });
    expectNoCouncilData(res.text);
    // From the council's own tenant, the same person is who they are.
    expect((await tab(COUNCIL.late, '/api/tab/me')).body).toMatchObject({ id: COUNCIL.late.person.id });
  });

  it('a council record already stamped with the police’s tenant (as the bot used to do) still does not let a police token be the council officer', async () => {
    const people = t.store.collection<Person>('people');
    await people.update(ORG, COUNCIL.lead.person.id, (p) => ({ ...p, aadTenantId: POLICE_TENANT }));
    try {
      const res = await tab({ ...COUNCIL.lead, tenant: POLICE_TENANT }, '/api/tab/my-actions');
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'NOT_IN_DIRECTORY' } } });
      expect(res.text).not.toContain('LP1.1');
    } finally {
      await people.update(ORG, COUNCIL.lead.person.id, (p) => ({ ...p, aadTenantId: COUNCIL_TENANT }));
    }
  });

  it('a token from a tenant that is allowed but belongs to no agency is not a council person either', async () => {
    const res = await tab(COUNCIL.late, '/api/tab/training/overdue', { tid: LEGACY_TENANT });
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'NOT_IN_DIRECTORY' } } });
    expectNoCouncilData(res.text);
  });

  it('the same object id from the police’s tenant in a chat with the bot is not linked, and the council record is not stamped with the police’s tenant', async () => {
    const user = { id: '29:forged', aadObjectId: COUNCIL.late.person.aadObjectId!, name: COUNCIL.late.person.name, tenantId: POLICE_TENANT };
    const before = t.connector.activities().length;
    expect((await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user, text: 'training overdue', tenantId: POLICE_TENANT }))).status).toBe(200);
    const sent = await t.connector.waitForActivities(before + 1);
    const reply = JSON.stringify(sent.slice(before).map((a) => a.attachments?.[0]?.content));
    expect(cardText(JSON.parse(reply)[0])).toMatch(/not linked/);
    expectNoCouncilData(reply.replace(COUNCIL.late.person.name, ''));
    expect((await t.store.collection<Person>('people').read(ORG, COUNCIL.late.person.id))!.aadTenantId).toBeUndefined();
  });

  it('a school’s head, a guest in the council’s tenant (the school lists no tenant), still signs in as themselves and sees no one else', async () => {
    const me = await tab(SCHOOL_HEAD, '/api/tab/me');
    expect(me).toMatchObject({ status: 200, body: { id: SCHOOL_HEAD.person.id } });
    expect((await tab(SCHOOL_HEAD, '/api/tab/training/overdue')).status).toBe(403);
  });
});
