import { runJob } from '../../../bot/jobs';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { toArray, type Store } from '../../../services/store/ports';
import { answersOf } from '../../../services/surveys/answer-pool';
import { createCampaign, getCampaign, setFollowUp } from '../../../services/surveys/campaigns';
import { kindOf } from '../../../services/surveys/kinds';
import type { Campaign, SurveyDoc } from '../../../services/surveys/model';
import { addQuestionnaire } from '../../../services/surveys/questionnaires';
import { answerSurvey, mySurveys, openSurvey } from '../../../services/surveys/responses';
import { campaignResults, resultsReport } from '../../../services/surveys/results';
import { AnswerSeal } from '../../../services/surveys/seal';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const TZ = 'Europe/London';
const calendar = new WorkingCalendar();
const at = (iso: string) => new FixedClock(iso);
const seal = AnswerSeal.random();
const SENT = '2026-11-23T09:00:00Z';

const HR = person({ id: 'hr-simon', name: 'Simon Howick', roles: ['hr'], department: 'HR', jobTitle: 'HR Adviser' });
/** Children's Services has two who manage it; Early Help one; Youth Justice nobody; a manager with no team is asked for none. */
const MANAGER = person({ id: 'mgr-amira', name: 'Amira Patel', roles: ['manager'], department: 'Children’s Services', jobTitle: 'Team Manager' });
const HEAD = person({ id: 'hos-dev', name: 'Dev Sharma', roles: ['head-of-service'], department: 'Children’s Services', jobTitle: 'Head of Service' });
const EARLY_HELP = person({ id: 'mgr-lena', name: 'Lena Ortiz', roles: ['manager'], department: 'Early Help', jobTitle: 'Team Manager' });
const NO_TEAM = person({ id: 'mgr-ian', name: 'Ian Boyd', roles: ['manager'] });
const PRACTITIONERS = [
  person({ id: 'sw-1', name: 'Sam Wells', department: 'Children’s Services', jobTitle: 'Social Worker' }),
  person({ id: 'yj-1', name: 'Yara Jones', department: 'Youth Justice', jobTitle: 'Case Worker' }),
];

/** What a manager says for their team, every question answered. */
const TEAM_ANSWERS = {
  'lead-known': 'yes',
  'training-in-date': 'no',
  supervision: 'monthly',
  'procedures-reviewed': 'yes',
  'escalation-known': 'yes',
  'concerns-followed-up': 'all',
  'help-needed': 'Refresher on the escalation policy for two new starters',
};

async function open(store: Store, actor: Person, campaignId: string, iso = SENT) {
  const view = await openSurvey({ store, clock: at(iso), seal }, { actor, timeZone: TZ, campaignId });
  if (view.kind !== 'page') throw new Error('expected a page');
  return view;
}

/** Opens the card and submits every answer at once, as the last page's Submit does. */
async function answer(store: Store, actor: Person, campaignId: string, raw: Record<string, string>, iso = SENT) {
  const opened = await open(store, actor, campaignId, iso);
  return answerSurvey(
    { store, clock: at(iso), seal },
    { actor, timeZone: TZ, data: { campaignId, page: 0, move: 'submit', carried: JSON.stringify(raw), answerKey: opened.answerKey } },
  );
}

async function runQuestionnaireJob(store: Store, iso: string) {
  const clock = at(iso);
  return runJob('questionnaires', {
    store,
    clock,
    orgId: ORG,
    organisation: await ensureOrganisation(store, clock, ORG, { timeZone: TZ }),
    calendar,
    logger: silentLogger,
    seal,
  });
}

const send = (store: Store, data: Record<string, unknown>) =>
  createCampaign({ store, clock: at(SENT), calendar }, { actor: HR, timeZone: TZ, data: { closesOn: '2026-12-04', ...data } });

describe('a team check: one named answer per team, from whoever manages it', () => {
  let store: Store;
  let campaign: Campaign;

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [HR, MANAGER, HEAD, EARLY_HELP, NO_TEAM, ...PRACTITIONERS] });
    campaign = await send(store, { questionnaire: 'team-check', audience: { type: 'everyone' } });
  });
  afterAll(() => store.close());

  it('goes to the managers and heads of service of each team, and remembers the teams it asked', async () => {
    expect(campaign).toMatchObject({ status: 'open', questionnaireKind: 'team-check', anonymous: false, invited: 3 });
    expect(campaign.units!.map((u) => u.label)).toEqual(['Children’s Services', 'Early Help']);
    const invited = (await deliveryStatus(store, ORG, { purpose: 'questionnaire' })).items
      .map((i) => ('personId' in i.recipient ? i.recipient.personId : ''))
      .sort();
    expect(invited).toEqual([HEAD.id, EARLY_HELP.id, MANAGER.id].sort());
  });

  it('is refused where it cannot work: anonymous, to a job title, as a course follow-up, or to a team nobody manages', async () => {
    await expect(send(store, { questionnaire: 'team-check', audience: { type: 'everyone' }, anonymous: true })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('A team check is never anonymous'),
    });
    await expect(send(store, { questionnaire: 'team-check', audience: { type: 'role', jobTitle: 'Social Worker' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('it goes to everyone or a department'),
    });
    await expect(send(store, { questionnaire: 'team-check', audience: { type: 'department', department: 'Youth Justice' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('Nobody in the audience (the Youth Justice department) answers a team check'),
    });
    await expect(setFollowUp(store, ORG, { courseCode: 'SG-GEN', questionnaire: 'team-check', anonymous: false })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    // An organisation's own questionnaire of a kind this version does not know is refused when added, not when sent.
    await expect(
      addQuestionnaire(store, at(SENT), ORG, {
        key: 'ward-check',
        version: 1,
        title: 'Ward check',
        questionnaireKind: 'ward-check',
        questions: [{ id: 'ok', type: 'yes-no', text: 'All well?' }],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('There is no kind of questionnaire "ward-check"') });
  });

  it('a practitioner of the team, who was not asked, cannot answer for it', async () => {
    await expect(open(store, PRACTITIONERS[0]!, campaign.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('one manager answers for the team; the other finds that answer, changes it, and the team still has one', async () => {
    const first = await open(store, MANAGER, campaign.id);
    expect(first).toMatchObject({ changing: false, note: expect.stringContaining('One answer for the whole team (Children’s Services)') });
    expect(await answer(store, MANAGER, campaign.id, TEAM_ANSWERS)).toMatchObject({ kind: 'saved', changed: false });

    const second = await open(store, HEAD, campaign.id);
    expect(second).toMatchObject({ changing: true, raw: expect.objectContaining({ 'training-in-date': 'no', supervision: 'monthly' }) });
    expect(await answer(store, HEAD, campaign.id, { ...TEAM_ANSWERS, 'training-in-date': 'yes' })).toMatchObject({ kind: 'saved', changed: true });

    const entries = await answersOf(store, campaign);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      department: 'Children’s Services',
      answers: expect.objectContaining({ 'training-in-date': 'yes' }),
      by: { personId: HEAD.id, name: 'Dev Sharma' },
    });
    expect((await mySurveys({ store, clock: at(SENT) }, MANAGER, [campaign]))[0]).toMatchObject({ answered: true });
    expect((await mySurveys({ store, clock: at(SENT) }, EARLY_HELP, [campaign]))[0]).toMatchObject({ answered: false });
  });

  it('chasers go only to teams nobody has answered for', async () => {
    for (const day of ['2026-11-24', '2026-11-25', '2026-11-26']) await runQuestionnaireJob(store, `${day}T10:00:00Z`);
    const chasers = (await deliveryStatus(store, ORG, { purpose: 'questionnaire' })).items
      .filter((i) => i.id.includes('-chaser'))
      .map((i) => ('personId' in i.recipient ? i.recipient.personId : ''));
    expect(chasers).toEqual([EARLY_HELP.id]);
  });

  it('a manager who no longer holds the role cannot answer, though they were asked', async () => {
    await seed(store, { people: [{ ...EARLY_HELP, roles: ['officer'] }] });
    await expect(open(store, { ...EARLY_HELP, roles: ['officer'] }, campaign.id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('you are no longer one of them'),
    });
    expect(await answersOf(store, campaign)).toHaveLength(1);
  });

  it('its results name each team’s answer and who gave it, and the teams yet to answer, on every surface’s report', async () => {
    const r = await campaignResults({ store }, ORG, campaign.id, HR);
    expect(r.breakdowns).toEqual([]);
    const full = resultsReport(r);
    expect(full.headers).toEqual(['Team', 'Question', 'Answer', 'Detail']);
    expect(full.rows).toEqual(
      expect.arrayContaining([
        ['All teams', 'Teams with all training in date', '1 of 1 teams', '100%'],
        ['Children’s Services', 'How often is safeguarding discussed in the team’s supervision?', 'At least monthly', 'answered by Dev Sharma'],
        ['Children’s Services', 'What would help the team most? (no names or case details)', TEAM_ANSWERS['help-needed'], 'answered by Dev Sharma'],
        ['Early Help', 'Not answered yet', '', ''],
      ]),
    );
    expect(full.notes).toEqual([expect.stringMatching(/^1 of 2 teams answered \(50%\)\. Open until 4 Dec 2026; named/)]);
    // The card and the tab: a line a team.
    expect(resultsReport(r, { detail: 'summary' }).rows.filter((row) => row[0] !== 'All teams')).toEqual([
      ['Children’s Services', 'Headlines met', '4 of 4', 'answered by Dev Sharma'],
      ['Early Help', 'Not answered yet', '', ''],
    ]);
    // The practitioner, who may not see results, is refused as for any questionnaire.
    await expect(campaignResults({ store }, ORG, campaign.id, PRACTITIONERS[0]!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a staff questionnaire is stored as before kinds, without one, and reads back as the staff kind', async () => {
    const staff = await send(store, { questionnaire: 'awareness', audience: { type: 'department', department: 'Children’s Services' } });
    const stored = (await toArray(store.collection<SurveyDoc>('surveys').readAll())).find((d) => d.id === staff.id)!;
    expect(stored).not.toHaveProperty('questionnaireKind');
    expect(stored).not.toHaveProperty('units');
    expect(kindOf(await getCampaign(store, ORG, staff.id)).name).toBe('staff');
    // Everyone in the department is asked, managers and practitioners alike, each for themselves.
    expect(staff.invited).toBe(3);
  });
});
