import { parse } from 'csv-parse/sync';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../services/core/clock';
import type { Escalation } from '../../services/escalations/model';
import { addAgency } from '../../services/organisation/agencies';
import type { Person } from '../../services/people/model';
import type { Action } from '../../services/plan/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { createCampaign } from '../../services/surveys/campaigns';
import type { Campaign } from '../../services/surveys/model';
import { toArray, type Store } from '../../services/store/ports';
import { setUpTraining } from '../../services/training/catalogue';
import type { TrainingRecord } from '../../services/training/model';
import { importPeople } from '../../services/training/import';
import { cardsAnswering, startTestApp, type TestApp } from '../harness/app';
import { cli } from '../harness/cli';
import { openPersistentTestStore } from '../harness/store';
import { actionDoc, ORG, seed } from '../harness/fixtures';
import { openRounds } from '../../services/rounds/rounds';
import { installationUpdate, invokeActionExecute, messageActivity, personalConversationId, tableRows, type TeamsUser } from '../harness/teams-activities';
import { COUNCIL_TENANT, oid, peopleFile, POLICE_TENANT, type Staff, table, teamsUser, appEvents } from '../harness/partnership';
import { followUpBesideAnAgencyQuestionnaire, PARTNERSHIP_COMPARISON } from '../harness/surveys';

/*
 * An attacker's review of the partnership through the bot: a legitimate user of the police (an
 * officer, HR, an administrator, a safeguarding lead) types commands and forges card data to reach
 * the council's people, training records and cases. Every attack must be refused without naming
 * anyone or anything of the council, and must change nothing.
 */

const staff = (employee: string, name: string, email: string, department: string, n: number, tenant: string): Staff => ({
  employee,
  name,
  email,
  department,
  jobTitle: 'Officer',
  oid: oid(n),
  tenant,
});
const COUNCIL = {
  hr: staff('H1', 'Hana Council-HR', 'hana@council.example', 'HR', 1, COUNCIL_TENANT),
  officer: staff('C1', 'Carol Council-Officer', 'carol@council.example', 'Children', 2, COUNCIL_TENANT),
  sl: staff('C3', 'Sid Council-SL', 'sid@council.example', 'Children', 4, COUNCIL_TENANT),
  admin: staff('C4', 'Ada Council-Admin', 'ada@council.example', 'Policy', 5, COUNCIL_TENANT),
};
const POLICE = {
  hr: staff('H1', 'Harold Police-HR', 'harold@police.example', 'HR', 11, POLICE_TENANT),
  officer: staff('C1', 'Pat Police-Officer', 'pat@police.example', 'Public Protection', 12, POLICE_TENANT),
  sl: staff('C3', 'Polly Police-SL', 'polly@police.example', 'Public Protection', 14, POLICE_TENANT),
  admin: staff('C4', 'Percy Police-Admin', 'percy@police.example', 'Command', 15, POLICE_TENANT),
};
const COUNCIL_NAMES = Object.values(COUNCIL).map((s) => s.name);
/** The "Immediate vs follow-up" rows of a results card: question, answer, immediate share, follow-up share. */
const comparisonRows = (cardsJson: string) =>
  tableRows(cardsJson)
    .filter((r) => r[0] === 'Immediate vs follow-up')
    .map((r) => r.slice(1));

describe('an attacker in the police tries to reach the council’s records through the bot', () => {
  let t: TestApp;
  const people = () => t.store.collection<Person>('people');
  const personOf = async (s: Staff) =>
    (
      await toArray(
        people().query({
          query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.email = @email',
          parameters: [
            { name: '@orgId', value: ORG },
            { name: '@email', value: s.email },
          ],
        }),
      )
    )[0]!;

  /** What the bot answers a typed command in the personal chat: the cards' content only. */
  const say = (s: Staff, text: string) => cardsAnswering(t, teamsUser(s), text);
  /** A card button pressed with attacker-chosen data: the refreshed card (or error card) it answers with. */
  async function press(s: Staff, verb: string, data: Record<string, unknown>): Promise<string> {
    const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: teamsUser(s), verb, data }));
    expect(res.status).toBe(200);
    return JSON.stringify(res.body);
  }
  const noCouncilName = (text: string) => {
    for (const name of COUNCIL_NAMES) expect(text).not.toContain(name);
  };

  beforeAll(async () => {
    t = await startTestApp({ DELIVERY_INTERVAL_SECONDS: '3600' });
    t.clock.set('2026-11-23T09:00:00Z'); // a Monday
    const defaults = { timeZone: 'Europe/London' };
    await addAgency(t.store, t.clock, ORG, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, defaults, appEvents());
    await addAgency(t.store, t.clock, ORG, { name: 'Police', tenantIds: [POLICE_TENANT] }, defaults, appEvents());
    await setUpTraining(t.store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
    expect(
      await importPeople({ store: t.store, clock: t.clock }, { orgId: ORG, agency: 'council', dryRun: false, table: peopleFile(Object.values(COUNCIL)) }),
    ).toMatchObject({ created: 4, problems: [] });
    expect(
      await importPeople({ store: t.store, clock: t.clock }, { orgId: ORG, agency: 'police', dryRun: false, table: peopleFile(Object.values(POLICE)) }),
    ).toMatchObject({ created: 4, problems: [] });
    const roles: [Staff, Person['roles']][] = [
      [COUNCIL.hr, ['hr']],
      [POLICE.hr, ['hr']],
      [COUNCIL.admin, ['admin']],
      [POLICE.admin, ['admin']],
      [COUNCIL.sl, ['safeguarding-lead']],
      [POLICE.sl, ['safeguarding-lead']],
    ];
    for (const [s, r] of roles) await people().update(ORG, (await personOf(s)).id, (p) => ({ ...p, roles: r }));
    // Line management, so a raised concern has someone to alert at stage 1.
    await people().update(ORG, (await personOf(COUNCIL.officer)).id, (p) => ({ ...p, managerId: 'emp-C3' }));
    await people().update(ORG, (await personOf(POLICE.officer)).id, (p) => ({ ...p, managerId: 'emp-police-C3' }));
    const everyone = [...Object.values(COUNCIL), ...Object.values(POLICE)];
    for (const s of everyone)
      expect((await t.post(installationUpdate({ serviceUrl: t.connector.serviceUrl, user: teamsUser(s), action: 'add' }))).status).toBeLessThan(300);
    await t.connector.waitForActivities(everyone.length);
    t.connector.reset();
  });
  afterAll(async () => {
    await t.close();
  });

  it('a council officer’s Teams account used from the police’s tenant, and a police guest nobody linked, are no one: one card saying so, nothing else', async () => {
    const impostor: TeamsUser = { ...teamsUser(COUNCIL.officer), id: '29:impostor', tenantId: POLICE_TENANT };
    const guest: TeamsUser = { id: '29:guest', aadObjectId: oid(40), name: 'Gus Guest', tenantId: POLICE_TENANT };
    for (const user of [impostor, guest]) {
      for (const text of ['my training', 'escalations', 'training overdue']) {
        const conversationId = personalConversationId(user);
        const before = t.connector.activities({ conversationId }).length;
        expect((await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user, text }))).status).toBeLessThan(300);
        const answer = JSON.stringify((await t.connector.waitForActivities(before + 1, { conversationId })).slice(before));
        expect(answer).toContain('NOT_IN_DIRECTORY');
        noCouncilName(answer.replace(`"name":"${user.name}"`, ''));
      }
    }
  });

  describe('training records', () => {
    let councilRecordId: string;
    beforeAll(async () => {
      expect(await say(COUNCIL.officer, 'report training')).toContain('SG-AWARE');
      await press(COUNCIL.officer, 'training.selfReport', { courseCode: 'SG-AWARE', completedOn: '2026-11-20' });
      const [record] = (await toArray(t.store.collection<TrainingRecord>('training').readAll())).filter((r) => r.kind === 'record' && r.personId === 'emp-C1');
      councilRecordId = record!.id;
    });

    it('a police officer self-reports training with a council officer’s person id and agency in the card → recorded as their own, in the police', async () => {
      await press(POLICE.officer, 'training.selfReport', {
        courseCode: 'SG-AWARE',
        completedOn: '2026-11-21',
        personId: 'emp-C1',
        agency: 'council',
        orgId: 'another-org',
      });
      const mine = (await toArray(t.store.collection<TrainingRecord>('training').readAll())).filter(
        (r) => r.kind === 'record' && r.completedOn === '2026-11-21',
      );
      expect(mine.map((r) => [r.personId, r.agency, r.orgId])).toEqual([['emp-police-C1', 'police', ORG]]);
    });

    it('HR of the police asks for "training to verify" → the council officer’s self-report is not listed', async () => {
      const list = await say(POLICE.hr, 'training to verify');
      expect(list).not.toContain(councilRecordId);
      noCouncilName(list);
      expect(await say(COUNCIL.hr, 'training to verify')).toContain(COUNCIL.officer.name);
    });

    it('HR of the police verifies a council officer’s training record by its id → refused as if it did not exist, nothing changed', async () => {
      for (const verb of ['training.verify', 'training.reject']) {
        const answer = await press(POLICE.hr, verb, { recordId: councilRecordId, note: 'ok' });
        expect(answer).toContain('NOT_FOUND');
        noCouncilName(answer);
      }
      expect((await t.store.collection<TrainingRecord>('training').read(ORG, councilRecordId))!.review).toBeUndefined();
    });
  });

  describe('the council’s action', () => {
    beforeAll(async () => {
      const carol = await personOf(COUNCIL.officer);
      await seed(t.store, {
        actions: [
          actionDoc({
            id: 'council-action',
            ref: 'LP4.1',
            leadIds: [carol.id],
            leads: [{ name: carol.name, personId: carol.id }],
            due: { dates: ['2026-12-23'], ongoing: null, text: '23 December 2026' },
            nextDueDate: '2026-12-23',
          }),
        ],
      });
    });

    it('the police’s administrator updates an action only the council leads, by forging its id → refused, the action unchanged', async () => {
      const before = (await t.store.collection<Action>('actions').read(ORG, 'council-action'))!;
      const answer = await press(POLICE.admin, 'action.update', {
        actionId: 'council-action',
        version: before.version,
        status: 'B',
        progress: 'Done (not really)',
      });
      expect(answer).toContain('FORBIDDEN');
      const snoozed = await press(POLICE.admin, 'action.snooze', { actionId: 'council-action', days: 3 });
      expect(snoozed).toContain('FORBIDDEN');
      const after = (await t.store.collection<Action>('actions').read(ORG, 'council-action'))!;
      expect(after.version).toBe(before.version);
      expect(after.snoozedUntil).toBeUndefined();
    });
  });

  describe('an update round of the whole partnership', () => {
    beforeAll(async () => {
      const pat = await personOf(POLICE.officer);
      await seed(t.store, {
        actions: [
          actionDoc({
            id: 'police-action',
            ref: 'LP4.2',
            leadIds: [pat.id],
            leads: [{ name: pat.name, personId: pat.id }],
            due: { dates: ['2026-12-23'], ongoing: null, text: '23 December 2026' },
            nextDueDate: '2026-12-23',
          }),
        ],
      });
      expect(await say(COUNCIL.admin, 'start round 2026-12-04')).toContain('Update round started');
      // The app's round upkeep asks the leads once the command has answered.
      await t.app.roundUpkeepNow();
      expect((await openRounds(t.store, ORG))[0]?.leads).toHaveLength(2);
    });

    it('a police officer asks for “round status” → refused: who has answered, and who cannot be reached, is for administrators', async () => {
      const answer = await say(POLICE.officer, 'round status');
      expect(answer).toContain('FORBIDDEN');
      noCouncilName(answer);
      expect(answer).not.toContain(POLICE.officer.name);
    });

    it('the police’s administrator asks for “round status” → the police’s leads only, no council name', async () => {
      const answer = await say(POLICE.admin, 'round status');
      expect(answer).toContain(POLICE.officer.name);
      noCouncilName(answer.replace(`started by ${COUNCIL.admin.name}`, 'started by <partnership administrator>'));
      // The partnership's administrator who started it follows every lead.
      const whole = await say(COUNCIL.admin, 'round status');
      for (const name of [COUNCIL.officer.name, POLICE.officer.name]) expect(whole).toContain(name);
    });
  });

  describe('the council’s questionnaire', () => {
    let campaign: Campaign;
    beforeAll(async () => {
      campaign = await createCampaign(
        { store: t.store, clock: t.clock, calendar: new WorkingCalendar() },
        {
          actor: await personOf(COUNCIL.hr),
          timeZone: 'Europe/London',
          data: { questionnaire: 'awareness', title: 'Council supervision check', audience: { type: 'everyone' }, closesOn: '2026-12-04' },
        },
      );
      expect(campaign.agency).toBe('council');
    });

    it('HR of the police asks for the council questionnaire’s results, typed or by a forged card → “no such questionnaire”, nothing of it shown', async () => {
      for (const answer of [await say(POLICE.hr, `survey results ${campaign.id}`), await press(POLICE.hr, 'survey.results', { campaignId: campaign.id })]) {
        expect(answer).toContain('NOT_FOUND');
        expect(answer).not.toContain('Council supervision check');
        noCouncilName(answer);
      }
      expect(await say(POLICE.hr, 'surveys')).not.toContain('Council supervision check');
    });

    it('a police officer opens or answers the council questionnaire by a forged card → refused, no question shown, nothing stored', async () => {
      const before = (await toArray(t.store.collection('surveys').readAll())).length;
      for (const [verb, data] of [
        ['survey.open', { campaignId: campaign.id }],
        ['survey.page', { campaignId: campaign.id, page: 0, move: 'submit', answerKey: 'k'.repeat(40) }],
      ] as const) {
        const answer = await press(POLICE.officer, verb, data);
        expect(answer).toMatch(/FORBIDDEN|VALIDATION|NOT_FOUND/);
        expect(answer).not.toContain('Council supervision check');
      }
      expect((await toArray(t.store.collection('surveys').readAll())).length).toBe(before);
    });
  });

  describe('leave cover', () => {
    it('a police officer names a council officer as their leave delegate, by email → “no one”, the council officer’s name is not revealed and no cover is set', async () => {
      const answer = await say(POLICE.officer, `leave until 2026-12-31 delegate ${COUNCIL.officer.email}`);
      expect(answer).toContain('VALIDATION');
      noCouncilName(answer);
      expect((await personOf(POLICE.officer)).leave).toBeUndefined();
    });

    it('a police officer names a council officer as their delegate, by name → the same answer as for someone who does not exist', async () => {
      const known = await say(POLICE.officer, `leave until 2026-12-31 delegate ${COUNCIL.officer.name}`);
      const unknown = await say(POLICE.officer, 'leave until 2026-12-31 delegate Nobody At-All');
      expect(known.replace(COUNCIL.officer.name, '<name>')).toBe(unknown.replace('Nobody At-All', '<name>'));
      expect((await personOf(POLICE.officer)).leave).toBeUndefined();
    });

    it('a police officer left as a council lead’s cover from before this rule updates the council’s action → refused', async () => {
      await people().update(ORG, 'emp-C1', (p) => ({ ...p, leave: { until: '2026-12-31', delegateId: 'emp-police-C1' } }));
      try {
        const action = (await t.store.collection<Action>('actions').read(ORG, 'council-action'))!;
        expect(
          await press(POLICE.officer, 'action.update', { actionId: action.id, version: action.version, status: 'B', progress: 'Done by the cover' }),
        ).toContain('FORBIDDEN');
        expect((await t.store.collection<Action>('actions').read(ORG, 'council-action'))!.version).toBe(action.version);
      } finally {
        await people().update(ORG, 'emp-C1', ({ leave: _gone, ...p }) => p as Person);
      }
    });

    it('a police officer names a police colleague → cover is set, as before', async () => {
      expect(await say(POLICE.officer, `leave until 2026-12-31 delegate ${POLICE.sl.email}`)).toContain(POLICE.sl.name);
      expect((await personOf(POLICE.officer)).leave).toEqual({ until: '2026-12-31', delegateId: 'emp-police-C3' });
      await say(POLICE.officer, 'back from leave');
    });
  });

  describe('escalations', () => {
    let councilCase: Escalation;
    let policeCase: Escalation;
    const raise = async (s: Staff, caseReference: string) => {
      const answer = await press(s, 'esc.raise', {
        category: 'professional-disagreement',
        agency: 'Children’s services',
        caseReference,
        asked: 'Asked for a strategy meeting',
        wanted: 'A strategy meeting this week',
      });
      expect(answer).toContain('Raised as');
      return (await toArray(t.store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'))).find(
        (e) => e.caseReference === caseReference,
      )!;
    };
    beforeAll(async () => {
      councilCase = await raise(COUNCIL.officer, 'MASH-2026-0042');
      policeCase = await raise(POLICE.officer, 'MASH-2026-0043');
      await t.app.sender.drain(ORG);
    });

    it('the police’s safeguarding lead acts on a council case by forging its id → refused as if it did not exist, its reference not shown, nothing recorded', async () => {
      const steps: [string, Record<string, unknown>][] = [
        ['esc.acknowledge', {}],
        ['esc.note', { noteText: 'Looked at this' }],
        ['esc.assign', { assignee: POLICE.sl.email }],
        ['esc.move', { moveReason: 'Move it on' }],
        ['esc.resolve', { outcome: 'Closed by the police' }],
        ['esc.requestFeedback', { feedbackFrom: 'Police', feedbackDue: '2026-12-10' }],
      ];
      for (const [verb, data] of steps) {
        const answer = await press(POLICE.sl, verb, { escalationId: councilCase.id, ...data });
        expect(answer).toContain('NOT_FOUND');
        expect(answer).not.toContain(councilCase.ref);
        expect(answer).not.toContain('MASH-2026-0042');
        noCouncilName(answer);
      }
      // Someone who may see a case but not act on it (here, who raised it) is told so.
      const raiser = await press(COUNCIL.officer, 'esc.resolve', { escalationId: councilCase.id, outcome: 'Sorted' });
      expect(raiser).toContain('FORBIDDEN');
      expect(raiser).toContain(councilCase.ref);
      const after = (await t.store.collection<Escalation>('escalations').read(ORG, councilCase.id))!;
      expect(after.version).toBe(councilCase.version);
      expect(after.history).toEqual(councilCase.history);
    });

    it('a police officer raises a concern with forged people and agency in the card → it concerns the police, and alerts only their own line manager', async () => {
      t.connector.reset();
      t.clock.set('2026-11-23T09:05:00Z'); // a concern's id carries the instant it was raised
      const answer = await press(POLICE.officer, 'esc.raise', {
        category: 'other-concern',
        agency: 'Police',
        caseReference: 'MASH-2026-0044',
        asked: 'Asked for a visit',
        wanted: 'A joint visit',
        raisedBy: { personId: 'emp-C4', name: COUNCIL.admin.name },
        involvedPersonIds: ['emp-C1', 'emp-C4'],
        orgId: 'another-org',
      });
      expect(answer).toContain('Raised as');
      const raised = (await toArray(t.store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'))).find(
        (e) => e.caseReference === 'MASH-2026-0044',
      )!;
      expect(raised).toMatchObject({ orgId: ORG, raisedBy: { personId: 'emp-police-C1' }, involvedPersonIds: ['emp-police-C3'] });
      await t.app.sender.drain(ORG);
      for (const s of Object.values(COUNCIL))
        expect(JSON.stringify(t.connector.activities({ conversationId: personalConversationId(teamsUser(s)) }))).not.toContain(raised.ref);
    });

    it('the police’s safeguarding lead lists escalations and runs the central record review → the council’s case is in neither', async () => {
      const list = await say(POLICE.sl, 'escalations');
      expect(list).toContain(policeCase.ref);
      expect(list).not.toContain(councilCase.ref);
      const review = await say(POLICE.sl, 'escalations report 2026-11-01 2026-11-30');
      expect(review).not.toContain(councilCase.ref);
      expect(review).not.toContain('MASH-2026-0042');
      noCouncilName(review);
    });

    it('the police’s safeguarding lead assigns their own case to a council officer named by email → “no one”, the name not revealed, nothing assigned', async () => {
      const byEmail = await press(POLICE.sl, 'esc.assign', { escalationId: policeCase.id, assignee: COUNCIL.officer.email });
      expect(byEmail).toContain('No one called');
      noCouncilName(byEmail);
      // By name: the same answer as for a name nobody has.
      const known = await press(POLICE.sl, 'esc.assign', { escalationId: policeCase.id, assignee: COUNCIL.officer.name });
      const unknown = await press(POLICE.sl, 'esc.assign', { escalationId: policeCase.id, assignee: 'Nobody At-All' });
      expect(known.replace(COUNCIL.officer.name, '<name>')).toBe(unknown.replace('Nobody At-All', '<name>'));
      expect((await t.store.collection<Escalation>('escalations').read(ORG, policeCase.id))!.assignedTo).toBeUndefined();
      // A police colleague can be assigned, as before.
      expect(await press(POLICE.sl, 'esc.assign', { escalationId: policeCase.id, assignee: POLICE.admin.email })).toContain(POLICE.admin.name);
    });
  });

  describe('a school, whose staff are guests in the council’s tenant, imports an object id of someone in the police’s tenant', () => {
    /** Allowed nowhere and no agency's: a tenant a file could name to pass the "another agency's tenant" check. */
    const NOBODYS_TENANT = 'd0d0d0d0-0000-4000-8000-000000000004';
    const policeUser = (n: number, name: string): TeamsUser => ({ id: `29:${oid(n)}`, aadObjectId: oid(n), name, tenantId: POLICE_TENANT });
    const schoolRow = (employee: string, name: string, objectId: string, tenant: string) => [
      'S' + employee,
      name,
      `${employee.toLowerCase()}@school.example`,
      'Office',
      'Clerk',
      objectId,
      tenant,
    ];
    const importForSchool = (...rows: string[][]) =>
      importPeople(
        { store: t.store, clock: t.clock },
        {
          orgId: ORG,
          agency: 'school',
          dryRun: false,
          table: table(['Employee Number', 'Full Name', 'Work Email', 'Department', 'Job Title', 'Entra Object Id', 'Entra Tenant Id'], rows),
        },
      );
    const schoolPerson = (employee: string) => people().read(ORG, `emp-school-S${employee}`);
    beforeAll(async () => {
      await addAgency(t.store, t.clock, ORG, { name: 'School' }, { timeZone: 'Europe/London' }, appEvents());
    });

    it('a row with no tenant claims a police officer’s object id (never seen by the bot) → at first sign-in from the police’s tenant the officer is no one, not the school’s record', async () => {
      await importForSchool(schoolRow('1', 'Mallory School-Clerk', oid(41), ''));
      const answer = await cardsAnswering(t, policeUser(41, 'Nina New-Constable'), 'my training');
      expect(answer).toContain('NOT_IN_DIRECTORY');
      expect(answer).not.toContain('Mallory School-Clerk');
      // Linked, if at all, to the council's tenant, where the school's guests sign in: never stamped with the police's.
      expect((await schoolPerson('1'))?.aadTenantId ?? COUNCIL_TENANT).toBe(COUNCIL_TENANT);
    });

    it('a school record holding an object id without a tenant from before this rule → the same: the police’s tenant is not where the school’s guests sign in', async () => {
      await people().upsert({
        id: 'emp-school-S2',
        orgId: ORG,
        employeeId: 'S2',
        name: 'Old School-Record',
        agency: 'school',
        department: 'Office',
        jobTitle: 'Clerk',
        aadObjectId: oid(42),
        roles: ['officer'],
        active: true,
      });
      const answer = await cardsAnswering(t, policeUser(42, 'Otto Old-Constable'), 'my training');
      expect(answer).toContain('NOT_IN_DIRECTORY');
      expect(answer).not.toContain('Old School-Record');
      expect((await schoolPerson('2'))!.aadTenantId).toBeUndefined();
    });

    it('rows giving the object id of someone who added the app from the police’s tenant, or naming a tenant that is neither the school’s nor the council’s → refused, nothing stored', async () => {
      const seen = policeUser(43, 'Sue Seen-Constable');
      // She added the app in Teams, so the bot knows her account's tenant (and lists her as not linked).
      expect((await t.post(installationUpdate({ serviceUrl: t.connector.serviceUrl, user: seen, action: 'add' }))).status).toBeLessThan(300);
      const summary = await importForSchool(
        schoolRow('3', 'Eve School-Claimant', oid(43), ''),
        schoolRow('4', 'Fay School-Claimant', oid(44), NOBODYS_TENANT),
        schoolRow('5', 'Gil School-Claimant', oid(45), POLICE_TENANT),
      );
      expect(summary).toMatchObject({ created: 0, updated: 0 });
      expect(summary.problems.map((p) => p.rowNumber)).toEqual([2, 3, 4]);
      expect(summary.problems[0]!.reason).toMatch(/object id .* was used from tenant .* not council’s/);
      expect(summary.problems[1]!.reason).toMatch(/tenant id .* is not council’s/);
      for (const n of ['3', '4', '5']) expect(await schoolPerson(n)).toBeUndefined();
    });

    it('a guest of the council’s tenant, imported by the school with the council’s tenant, signs in as themselves', async () => {
      expect(await importForSchool(schoolRow('6', 'Hal School-Guest', oid(46), COUNCIL_TENANT))).toMatchObject({ created: 1, problems: [] });
      const guest: TeamsUser = { id: `29:${oid(46)}`, aadObjectId: oid(46), name: 'Hal School-Guest', tenantId: COUNCIL_TENANT };
      expect(await cardsAnswering(t, guest, 'my training')).not.toContain('NOT_IN_DIRECTORY');
      expect((await schoolPerson('6'))!.aadTenantId).toBe(COUNCIL_TENANT);
    });
  });

  describe('the partnership’s automatic follow-up, compared with what the attendees said straight after the course', () => {
    let ids: Awaited<ReturnType<typeof followUpBesideAnAgencyQuestionnaire>>;
    beforeAll(async () => {
      const attendees = await Promise.all([COUNCIL.hr, POLICE.hr, POLICE.officer, POLICE.sl, POLICE.admin, COUNCIL.sl, COUNCIL.officer].map(personOf));
      ids = await followUpBesideAnAgencyQuestionnaire(t.store, {
        partnershipAdmin: await personOf(COUNCIL.admin),
        agencyHr: await personOf(COUNCIL.hr),
        loneAnswerer: await personOf(COUNCIL.officer),
        attendees,
      });
    }, 60_000);

    it('HR of the police opens the follow-up’s results, typed or by the card’s button → the comparison is with the partnership’s questionnaire only, nothing of the council’s own one-answer questionnaire', async () => {
      // Asked for directly, the council's questionnaire does not exist for the police.
      expect(await say(POLICE.hr, `survey results ${ids.agencyCampaignId}`)).toContain('NOT_FOUND');
      for (const answer of [
        await say(POLICE.hr, `survey results ${ids.followUpId}`),
        await press(POLICE.hr, 'survey.results', { campaignId: ids.followUpId }),
      ]) {
        expect(answer).toContain('Immediate vs follow-up');
        expect(answer).not.toContain(ids.agencyCampaignId);
        expect(answer).not.toContain('Our own specialist course check');
        // Carol's answers would be one in six (16.7%) beside the partnership's five.
        expect(comparisonRows(answer)).toEqual(PARTNERSHIP_COMPARISON);
        noCouncilName(answer);
      }
    });
  });
});

describe('an attacker in the police tries to reach the council’s records through the command line’s --as and --agency', () => {
  const ORG_ID = 'demo'; // the command line's organisation in the test harness
  const ADA = { id: 'emp-C4', oid: oid(5) };
  let dataDir: string;
  let work: string;
  const stored = async <T>(read: (store: Store) => Promise<T>): Promise<T> => {
    const { store } = await openPersistentTestStore(dataDir);
    try {
      return await read(store);
    } finally {
      await store.close();
    }
  };
  const csv = async (name: string, rows: string[][]) => {
    const file = path.join(work, name);
    await fs.writeFile(
      file,
      [['Employee Number', 'Full Name', 'Work Email', 'Department', 'Job Title', 'Entra Object Id', 'Entra Tenant Id', 'Agency'], ...rows]
        .map((r) => r.join(','))
        .join('\n'),
    );
    return file;
  };

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'agency-attacks-'));
    dataDir = path.join(work, 'data');
    await stored(async (store) => {
      const clock = new FixedClock('2026-11-23T09:00:00Z');
      await addAgency(store, clock, ORG_ID, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, { timeZone: 'Europe/London' }, appEvents());
      await addAgency(store, clock, ORG_ID, { name: 'Police', tenantIds: [POLICE_TENANT] }, { timeZone: 'Europe/London' }, appEvents());
      await setUpTraining(store, ORG_ID, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
      const person = (id: string, s: Staff, agency: string, roles: Person['roles']): Person => ({
        id,
        orgId: ORG_ID,
        employeeId: s.employee,
        name: s.name,
        email: s.email,
        department: s.department,
        jobTitle: s.jobTitle,
        aadObjectId: s.oid,
        aadTenantId: s.tenant,
        agency,
        roles,
        active: true,
      });
      for (const p of [
        person('emp-H1', COUNCIL.hr, 'council', ['hr']),
        person('emp-C1', COUNCIL.officer, 'council', ['officer']),
        person(ADA.id, COUNCIL.admin, 'council', ['admin']),
        person('emp-police-H1', POLICE.hr, 'police', ['hr']),
        person('emp-police-C1', POLICE.officer, 'police', ['officer']),
      ])
        await store.collection<Person>('people').upsert(p);
    });
  });

  it('HR of the police asks for the council’s overdue list with --agency council → refused, no names', async () => {
    await expect(cli(dataDir, 'training', 'overdue', '--as', POLICE.hr.email, '--agency', 'council', '--at', '2026-11-23')).rejects.toMatchObject({
      code: 'OUTSIDE_AGENCY',
    });
    const own = await cli(dataDir, 'training', 'overdue', '--as', POLICE.hr.email, '--at', '2026-11-23');
    expect(own.out).toContain(POLICE.officer.name);
    for (const name of COUNCIL_NAMES) expect(own.out).not.toContain(name);
  });

  it('the police’s administrator asks for the board report with --as → refused; so is anyone naming themselves by another agency’s email they do not hold', async () => {
    await expect(cli(dataDir, 'partnership', 'report', '--as', POLICE.hr.email)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(cli(dataDir, 'training', 'overdue', '--as', 'nobody@police.example', '--agency', 'council')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('HR of the police imports training for a council officer, by email → “not in the directory”, no council record written', async () => {
    const file = path.join(work, 'police-training.csv');
    await fs.writeFile(
      file,
      [
        'Employee Number,Course,Completion Date,Status',
        `${COUNCIL.officer.email},SG-AWARE,2026-06-01,Completed`,
        `${POLICE.officer.email},SG-AWARE,2026-06-01,Completed`,
      ].join('\n'),
    );
    const { out } = await cli(dataDir, 'training', 'import', file, '--as', POLICE.hr.email);
    expect(out).toMatch(/created 1, .*not imported 1/);
    expect(out).toMatch(/row 2: no one with employee number or email .* in the directory/);
    const records = await stored(async (store) => (await toArray(store.collection<TrainingRecord>('training').readAll())).filter((r) => r.kind === 'record'));
    expect(records.map((r) => r.personId)).toEqual(['emp-police-C1']);
  });

  it('HR of the police imports a row naming the council, or carrying the council’s tenant or a council person’s Teams account → each row refused, the council’s people untouched', async () => {
    // The directory as HR fields, without the store's own (a reopened store stamps new etags).
    const directory = () =>
      stored(async (store) =>
        (await toArray(store.collection<Person>('people').readAll())).map(({ id, name, email, agency, aadObjectId, aadTenantId }) => ({
          id,
          name,
          email,
          agency,
          aadObjectId,
          aadTenantId,
        })),
      );
    const before = await directory();
    const file = await csv('police-staff.csv', [
      ['P9', 'Eve Into-Council', 'eve@police.example', 'Command', 'Officer', oid(31), POLICE_TENANT, 'Council'],
      ['P8', 'Mal Council-Tenant', 'mal@police.example', 'Command', 'Officer', oid(32), COUNCIL_TENANT, ''],
      ['P7', 'Ada Look-Alike', 'ada2@police.example', 'Command', 'Officer', ADA.oid, COUNCIL_TENANT, ''],
      ['P6', 'Ada Look-Alike Two', 'ada3@police.example', 'Command', 'Officer', ADA.oid, POLICE_TENANT, ''],
    ]);
    const { out } = await cli(dataDir, 'people', 'import', file, '--as', POLICE.hr.email);
    expect(out).toMatch(/created 0, updated 0, unchanged 0, not imported 4/);
    expect(out).toMatch(/row 2: .*this import is for police only/);
    expect(out).toMatch(/row 3: .*tenant .* is another agency’s/);
    expect(out).toMatch(/row 4: .*object id .* is linked to someone else/);
    expect(out).toMatch(/row 5: .*object id .* is linked to someone else/);
    for (const name of COUNCIL_NAMES) expect(out).not.toContain(name);
    expect(await directory()).toEqual(before);
  });

  it('an administrator links a council officer to an account in the police’s tenant → refused, since the link could never hold; in the council’s tenant it is made', async () => {
    await expect(cli(dataDir, 'people', 'link', 'emp-C1', '--object-id', oid(47), '--tenant', POLICE_TENANT)).rejects.toMatchObject({ code: 'VALIDATION' });
    await cli(dataDir, 'people', 'link', 'emp-C1', '--object-id', oid(47), '--tenant', COUNCIL_TENANT);
    expect(await stored(async (store) => (await store.collection<Person>('people').read(ORG_ID, 'emp-C1'))!.aadTenantId)).toBe(COUNCIL_TENANT);
  });

  it('the operator exports the partnership’s follow-up results → the comparison joins the partnership’s questionnaire only, not the council’s own one answered by one officer', async () => {
    const ids = await stored(async (store) => {
      const people = await toArray(store.collection<Person>('people').readAll());
      const who = (id: string) => people.find((p) => p.id === id)!;
      return followUpBesideAnAgencyQuestionnaire(store, {
        orgId: ORG_ID,
        partnershipAdmin: who(ADA.id),
        agencyHr: who('emp-H1'),
        loneAnswerer: who('emp-C1'),
        attendees: ['emp-H1', ADA.id, 'emp-police-H1', 'emp-police-C1', 'emp-C1'].map(who),
      });
    });
    const file = path.join(work, 'follow-up-results.csv');
    await cli(dataDir, 'survey', 'results', ids.followUpId, '--out', file);
    const rows: string[][] = parse(await fs.readFile(file, 'utf8'), { bom: true, relax_column_count: true });
    expect(rows.filter((r) => r[0] === 'Immediate vs follow-up').map((r) => r.slice(1))).toEqual(PARTNERSHIP_COMPARISON);
    expect(rows.flat().join(' ')).not.toContain('Our own specialist course check');
  }, 60_000);
});
