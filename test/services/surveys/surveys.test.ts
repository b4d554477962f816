import { FixedClock } from '../../../services/core/clock';
import { deliveryStatus } from '../../../services/delivery/outbox';
import type { OutboxItem } from '../../../services/delivery/model';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { toArray, type Store } from '../../../services/store/ports';
import { AWARENESS_SURVEY } from '../../../services/surveys/builtin';
import { createCampaign, getCampaign, setFollowUp } from '../../../services/surveys/campaigns';
import type { Campaign, FollowUpRule, SurveyDoc } from '../../../services/surveys/model';
import { addQuestionnaire, findQuestionnaire, readQuestionnaireFile } from '../../../services/surveys/questionnaires';
import { answersOf } from '../../../services/surveys/answer-pool';
import { answerSurvey, openSurvey, type SurveyView } from '../../../services/surveys/responses';
import { AnswerSeal } from '../../../services/surveys/seal';
import { maxEntryBytes } from '../../../services/surveys/answers';
import { campaignResults, resultsReport, withheldNotice } from '../../../services/surveys/results';
import type { TrainingRecord } from '../../../services/training/model';
import { ORG, person, seed } from '../../harness/fixtures';
import { runJobAt } from '../../harness/jobs';
import { openTestStore } from '../../harness/store';

const TZ = 'Europe/London';
const calendar = new WorkingCalendar();
const at = (iso: string) => new FixedClock(iso);

/** The app's key for answers waiting to be pooled; here one per test run. */
const seal = AnswerSeal.random();

const HR = person({ id: 'hr-simon', name: 'Simon Howick', roles: ['hr'], department: 'HR', jobTitle: 'HR Adviser', email: 'simon@example.gov.uk' });

async function runQuestionnaireJob(store: Store, iso: string) {
  return runJobAt('questionnaires', store, at(iso), { timeZone: TZ, calendar, seal });
}

/** Opens the card and submits every answer at once, as the last page's Submit does. */
async function answer(store: Store, clock: FixedClock, actor: Person, campaignId: string, raw: Record<string, string>): Promise<SurveyView> {
  const opened = await openSurvey({ store, clock, seal }, { actor, timeZone: TZ, campaignId });
  if (opened.kind !== 'page') throw new Error('expected the first page');
  return answerSurvey(
    { store, clock, seal },
    { actor, timeZone: TZ, data: { campaignId, page: 0, move: 'submit', carried: JSON.stringify(raw), answerKey: opened.answerKey } },
  );
}

/** An imported completion of the general safeguarding course (SG-GEN), which follow-ups are sent after. */
const completedSafeguarding = (store: Store, personId: string, completedOn: string) =>
  store.collection<TrainingRecord>('training').upsert({
    id: `rec-${personId}`,
    orgId: ORG,
    kind: 'record',
    personId,
    courseCode: 'SG-GEN',
    completedOn,
    status: 'completed',
    source: 'import',
    createdAt: '2026-10-01T00:00:00Z',
  });
const surveyDocs = (store: Store) => toArray(store.collection<SurveyDoc>('surveys').readAll());

describe('questionnaires are versioned data, checked before they can be sent', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('the built-in awareness survey and follow-up are there without any set-up', async () => {
    expect((await findQuestionnaire(store, ORG, 'awareness')).highlights.map((h) => h.label)).toEqual([
      'Know how to report a concern',
      'Aware of safeguarding procedures',
      'Quite or very confident',
      'Know a Designated Safeguarding Officer’s name',
      'Trained within 3 years',
      'Trained within 12 months',
    ]);
    expect((await findQuestionnaire(store, ORG, 'training-follow-up')).questions.map((q) => q.type).sort()).toEqual([
      'multi',
      'scale',
      'single',
      'text',
      'text',
      'yes-no',
      'yes-no',
      'yes-no',
    ]);
  });

  it('an administrator adds one from YAML; a changed questionnaire needs a new version', async () => {
    const yaml = [
      'key: supervision-check',
      'version: 1',
      'title: Supervision check',
      'questions:',
      '  - { id: had-supervision, type: yes-no, text: Have you had supervision this quarter? }',
      '  - { id: last-date, type: date, text: When was it?, required: false }',
      '  - id: rating',
      '    type: scale',
      '    text: How useful was it?',
      '    minLabel: Not useful',
      '    maxLabel: Very useful',
    ].join('\n');
    const added = await addQuestionnaire(store, at('2026-11-22T10:00:00Z'), ORG, readQuestionnaireFile(yaml, 'supervision.yaml'));
    expect(added).toMatchObject({ key: 'supervision-check', version: 1, pageSize: 5, builtIn: false });
    await expect(addQuestionnaire(store, at('2026-11-22T10:00:00Z'), ORG, readQuestionnaireFile(yaml, 'supervision.yaml'))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect((await findQuestionnaire(store, ORG, 'supervision-check')).questions[2]).toMatchObject({ type: 'scale', required: true });
  });

  it.each([
    ['a question type that does not exist', { type: 'ranking' }],
    ['a choice question without options', { type: 'single' }],
    ['the same id twice', { type: 'yes-no', id: 'q1' }],
  ])('refuses %s, saying where', async (_name, change) => {
    const bad = {
      key: 'bad',
      version: 1,
      title: 'Bad',
      questions: [
        { id: 'q1', type: 'yes-no', text: 'First?' },
        { id: 'q2', text: 'Second?', ...change },
      ],
    };
    await expect(addQuestionnaire(store, at('2026-11-22T10:00:00Z'), ORG, bad)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/questions\.1/),
    });
  });

  it('refuses written answers that would hold more than 5,000 characters in all, saying how many these allow', async () => {
    const text = (n: number) => ({ id: `t${n}`, type: 'text', text: `Question ${n}?`, maxLength: 1000 });
    const tooLong = { key: 'long', version: 1, title: 'Long', questions: [1, 2, 3, 4, 5, 6].map(text) };
    await expect(addQuestionnaire(store, at('2026-11-22T10:00:00Z'), ORG, tooLong)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/at most 5000 characters in all.*allow 6000/),
    });
    const atTheLimit = { ...tooLong, questions: [1, 2, 3, 4, 5].map(text) };
    expect(await addQuestionnaire(store, at('2026-11-22T10:00:00Z'), ORG, atTheLimit)).toMatchObject({ key: 'long' });
    // Anonymous answers wait sealed, padded to the longest the questionnaire allows: even 60 waiting stay well inside Cosmos DB's 2 MB document.
    const sixtyWaiting = seal.seal({ entries: [] }, 'size', 200 + 60 * (maxEntryBytes(atTheLimit as never) + 1));
    expect(sixtyWaiting.length).toBeLessThan(1.5 * 1024 * 1024);
    // One added before the cap, with 40 long text questions, is padded as if it kept to it.
    const before = { questions: Array.from({ length: 40 }, (_, n) => text(n)) };
    expect(maxEntryBytes(before as never) - maxEntryBytes(atTheLimit as never)).toBeLessThan(40 * 12);
  });

  it('refuses a highlight that counts an answer the question cannot have, and a built-in key', async () => {
    const q = {
      key: 'mine',
      version: 1,
      title: 'Mine',
      questions: [{ id: 'ok', type: 'yes-no', text: 'OK?' }],
      highlights: [{ label: 'Maybe', question: 'ok', values: ['maybe'] }],
    };
    await expect(addQuestionnaire(store, at('2026-11-22T10:00:00Z'), ORG, q)).rejects.toMatchObject({
      message: expect.stringMatching(/"maybe" is not an answer/),
    });
    await expect(addQuestionnaire(store, at('2026-11-22T10:00:00Z'), ORG, { ...AWARENESS_SURVEY, version: 2 })).rejects.toMatchObject({
      message: expect.stringMatching(/built-in/),
    });
    expect(() => readQuestionnaireFile('{ not json', 'q.json')).toThrow(/not valid JSON/);
  });
});

// Who answers what, scripted so the report's figures can be worked out by hand (see each test).
const cohortDepartment = (i: number) =>
  i < 120 ? 'Children’s Services' : i < 192 ? 'Adult Social Care' : i < 196 ? 'Housing' : i < 200 ? 'Legal' : i < 201 ? 'Housing' : 'Children’s Services';
const scripted = (i: number): Record<string, string> => ({
  'know-how-to-report': 'yes',
  'aware-of-procedures': i < 194 ? 'yes' : 'no',
  confidence: i < 70 ? 'very' : i < 170 ? 'quite' : i < 190 ? 'not-very' : 'not-at-all',
  'know-dso-name': i < 140 ? 'yes' : 'no',
  'last-trained': i < 100 ? 'within-12-months' : i < 186 ? '1-3-years' : i < 196 ? 'over-3-years' : 'never',
  ...(i % 50 === 0 ? { comments: 'More refresher sessions, please.' } : {}),
});
const cohortId = (i: number) => `staff-${String(i).padStart(3, '0')}`;
const cohort = () =>
  Array.from({ length: 204 }, (_, i) =>
    person({
      id: cohortId(i),
      name: `Officer Number${i}`,
      email: `officer${i}@example.gov.uk`,
      aadObjectId: `aad-${cohortId(i)}`,
      department: cohortDepartment(i),
      jobTitle: 'Support Worker',
    }),
  );

/** The cohort sent the anonymous awareness questionnaire (closing 4 Dec, two chasers), the first `answered` of them answering as scripted. */
async function cohortCampaign(staff: Person[], start: FixedClock, answered: number): Promise<{ store: Store; campaign: Campaign }> {
  const store = await openTestStore();
  await seed(store, { people: [HR, ...staff] });
  const campaign = await createCampaign(
    { store, clock: start, calendar },
    {
      actor: HR,
      timeZone: TZ,
      data: {
        questionnaire: 'awareness',
        audience: { type: 'role', jobTitle: 'support worker' },
        anonymous: true,
        closesOn: '2026-12-04',
        maxChasers: 2,
        chaserEveryWorkingDays: 3,
      },
    },
  );
  for (let i = 0; i < answered; i++) await answer(store, start, staff[i]!, campaign.id, scripted(i));
  return { store, campaign };
}

describe('an anonymous awareness survey to a cohort of 204 staff', () => {
  let store: Store;
  let campaign: Campaign;
  const staff = cohort();
  const start = at('2026-11-23T09:00:00Z');

  beforeAll(async () => {
    ({ store, campaign } = await cohortCampaign(staff, start, 200));
  });
  afterAll(() => store.close());

  it('is sent only through the delivery engine: one invitation each, queued in the outbox', async () => {
    expect(campaign).toMatchObject({ status: 'open', invited: 204, startedOn: '2026-11-23' });
    const { items } = await deliveryStatus(store, ORG, { purpose: 'questionnaire' });
    expect(items.filter((i) => i.id.includes('-invite-'))).toHaveLength(204);
    expect(new Set(items.map((i) => (i.recipient as { personId: string }).personId)).size).toBe(204);
  });

  it('while open, shows the response rate and nothing else, and says why', async () => {
    const r = await campaignResults({ store }, HR.orgId, campaign.id, HR);
    expect(r).toMatchObject({ invited: 204, responded: 200, responseRate: 98, withheld: 'open', questions: [], highlights: [], breakdowns: [] });
    expect(r.comparison).toBeUndefined();
    expect(withheldNotice(r)).toBe(
      'Anonymous: only the response rate is shown until it closes (4 Dec 2026), so nobody’s answers can be worked out from how the figures change.',
    );
    expect(resultsReport(r).rows.map((row) => row[0])).toEqual(['Campaign', 'Response', 'Response', 'Withheld']);
  });

  it('closes after its closing day, pooling the answers still waiting', async () => {
    // Some answers wait, sealed, to be pooled with later ones: at least 5, fewer than 10.
    const waiting = 200 - (await answersOf(store, campaign)).length;
    expect(waiting).toBeGreaterThanOrEqual(5);
    expect(waiting).toBeLessThan(10);
    await runQuestionnaireJob(store, '2026-12-07T08:00:00Z');
    expect((await getCampaign(store, ORG, campaign.id)).status).toBe('closed');
    expect(await answersOf(store, campaign)).toHaveLength(200);
    campaign = await getCampaign(store, ORG, campaign.id);
  });

  it('gives exactly the figures worked out by hand', async () => {
    const r = await campaignResults({ store }, HR.orgId, campaign.id, HR);
    // 200 of 204 answered.
    expect(r).toMatchObject({ invited: 204, responded: 200, responseRate: 98 });
    expect(r.withheld).toBeUndefined();
    expect(Object.fromEntries(r.highlights.map((h) => [h.label, [h.count, h.of, h.pct]]))).toEqual({
      'Know how to report a concern': [200, 200, 100],
      'Aware of safeguarding procedures': [194, 200, 97],
      'Quite or very confident': [170, 200, 85], // 70 very + 100 quite
      'Know a Designated Safeguarding Officer’s name': [140, 200, 70],
      'Trained within 3 years': [186, 200, 93], // 100 within a year + 86 between one and three
      'Trained within 12 months': [100, 200, 50],
    });
    const confidence = r.questions.find((q) => q.id === 'confidence')!;
    expect(confidence.options.map((o) => [o.value, o.count, o.pct])).toEqual([
      ['very', 70, 35],
      ['quite', 100, 50],
      ['not-very', 20, 10],
      ['not-at-all', 10, 5],
    ]);
    const comments = r.questions.find((q) => q.id === 'comments')!;
    expect(comments).toMatchObject({ answered: 4, written: Array(4).fill('More refresher sessions, please.') });
  });

  it('shows departments with five or more answers and hides the group of four', async () => {
    const r = await campaignResults({ store }, HR.orgId, campaign.id, HR);
    const byDept = Object.fromEntries(r.breakdowns.filter((g) => g.by === 'department').map((g) => [g.group, g]));
    expect(byDept['Children’s Services']).toMatchObject({ responses: 120, suppressed: false });
    // Adult Social Care is staff 120–191: quite or very confident are 120–169, 50 of 72.
    expect(byDept['Adult Social Care']!.highlights.find((h) => h.label === 'Quite or very confident')).toEqual({
      label: 'Quite or very confident',
      count: 50,
      of: 72,
      pct: 69.4,
    });
    // Housing: 5 asked, 4 answered: hidden.
    expect(byDept['Housing']).toEqual({
      by: 'department',
      group: 'Housing',
      responses: 0,
      suppressed: true,
      hiddenBy: 'too-few',
      highlights: [],
      questions: [],
    });
    // Legal: only 4 asked, so anonymous answers never even carried the department.
    expect(byDept['Legal']).toBeUndefined();
    expect(byDept['(not recorded)']).toMatchObject({ suppressed: true });
    // Legal × Support Worker is a pair of 4, so those four answers carry no job title either; and
    // Support Worker (196) would then give them away by subtraction from the whole (200): hidden too.
    expect(r.breakdowns.filter((g) => g.by === 'role')).toEqual([
      expect.objectContaining({ group: '(not recorded)', responses: 0, suppressed: true }),
      expect.objectContaining({ group: 'Support Worker', responses: 0, suppressed: true }),
    ]);
  });

  it('stores nothing that identifies a respondent: no ids, names, emails, times, nor the order they answered in', async () => {
    const docs = await surveyDocs(store);
    const answerDocs = docs.filter((d) => d.kind === 'answers' || d.kind === 'pending');
    const text = JSON.stringify(answerDocs);
    for (const p of staff) {
      expect(text).not.toContain(p.id);
      expect(text).not.toContain(p.aadObjectId!);
      expect(text).not.toContain(p.email!);
      expect(text).not.toContain(p.name);
    }
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    const entries = answerDocs.flatMap((d) => (d.kind === 'answers' ? d.entries : []));
    expect(entries).toHaveLength(200);
    for (const e of entries) expect(Object.keys(e).sort()).toEqual(['answers', 'department', 'jobTitle', 'key']);
    expect(new Set(entries.map((e) => e.key)).size).toBe(200);
    for (const e of entries) expect(e.key).toMatch(/^key:[0-9a-f]{64}$/);
    // Stored in random order, so position says nothing: compare with the order they answered in.
    const confidenceInAnswerOrder = staff
      .slice(0, 200)
      .map((_, i) => scripted(i).confidence)
      .join();
    expect(entries.map((e) => e.answers.confidence).join()).not.toBe(confidenceInAnswerOrder);
    // What waited to be pooled is sealed: nothing in it can be read without the app's key.
    const pending = docs.filter((d) => d.kind === 'pending');
    expect(pending).toHaveLength(1);
    // entryBytes is the questionnaire's largest answer set, the same for everyone: what the sealed set is padded to.
    for (const d of pending)
      expect(
        Object.keys(d)
          .filter((k) => !k.startsWith('_'))
          .sort(),
      ).toEqual(['campaignId', 'entryBytes', 'id', 'kind', 'orgId', 'sealed']);
    // The "has responded" markers hold who, but no answers and nothing that leads to them.
    const markers = docs.filter((d) => d.kind === 'responded');
    expect(markers).toHaveLength(200);
    for (const m of markers)
      expect(
        Object.keys(m)
          .filter((k) => !k.startsWith('_'))
          .sort(),
      ).toEqual(['campaignId', 'id', 'kind', 'orgId', 'personId']);
  });
});

describe('answering, changing and chasing while an anonymous survey is open', () => {
  let store: Store;
  let campaign: Campaign;
  const staff = cohort();
  const start = at('2026-11-23T09:00:00Z');

  beforeAll(async () => {
    ({ store, campaign } = await cohortCampaign(staff, start, 10));
  });
  afterAll(() => store.close());

  it('a respondent can change their answers with their own card, which replaces them', async () => {
    const first = await openSurvey({ store, clock: start, seal }, { actor: staff[0]!, timeZone: TZ, campaignId: campaign.id }).catch((e) => e);
    expect(first).toMatchObject({ code: 'ALREADY_ANSWERED' });
    // The saved card carries the key; "Change my answers" opens the stored answers with it.
    const saved = await answer(store, start, staff[201]!, campaign.id, scripted(0));
    expect(saved).toMatchObject({ kind: 'saved', changed: false });
    const key = (saved as { answerKey: string }).answerKey;
    const reopened = await openSurvey({ store, clock: start, seal }, { actor: staff[201]!, timeZone: TZ, campaignId: campaign.id, answerKey: key });
    expect(reopened).toMatchObject({ kind: 'page', changing: true, raw: { confidence: 'very' } });
    const changed = await answerSurvey(
      { store, clock: start, seal },
      {
        actor: staff[201]!,
        timeZone: TZ,
        data: { campaignId: campaign.id, page: 0, move: 'submit', carried: JSON.stringify({ ...scripted(0), confidence: 'not-very' }), answerKey: key },
      },
    );
    expect(changed).toMatchObject({ kind: 'saved', changed: true });
    expect(await openSurvey({ store, clock: start, seal }, { actor: staff[201]!, timeZone: TZ, campaignId: campaign.id, answerKey: key })).toMatchObject({
      raw: { confidence: 'not-very' },
    });
  });

  it('a key copied from a colleague’s card opens and changes nothing of theirs', async () => {
    const saved = await answer(store, start, staff[150]!, campaign.id, scripted(150));
    const key = (saved as { answerKey: string }).answerKey;
    // Someone who has answered, and someone who has not, press "Change my answers" on that card.
    for (const other of [staff[1]!, staff[151]!]) {
      await expect(openSurvey({ store, clock: start, seal }, { actor: other, timeZone: TZ, campaignId: campaign.id, answerKey: key })).rejects.toMatchObject({
        code: 'NOT_YOUR_ANSWERS',
      });
    }
    await expect(
      answerSurvey(
        { store, clock: start, seal },
        { actor: staff[1]!, timeZone: TZ, data: { campaignId: campaign.id, page: 0, move: 'submit', carried: JSON.stringify(scripted(199)), answerKey: key } },
      ),
    ).rejects.toMatchObject({ code: 'ALREADY_ANSWERED' });
    expect(await openSurvey({ store, clock: start, seal }, { actor: staff[150]!, timeZone: TZ, campaignId: campaign.id, answerKey: key })).toMatchObject({
      raw: scripted(150),
    });
    expect(await openSurvey({ store, clock: start, seal }, { actor: staff[151]!, timeZone: TZ, campaignId: campaign.id })).toMatchObject({
      kind: 'page',
      changing: false,
    });
  });

  describe('a tampered submission is refused and nothing is stored', () => {
    let before: string;
    beforeEach(async () => {
      before = JSON.stringify((await surveyDocs(store)).map(({ _etag, ...d }) => d).sort((a, b) => a.id.localeCompare(b.id)));
    });
    afterEach(async () => {
      expect(JSON.stringify((await surveyDocs(store)).map(({ _etag, ...d }) => d).sort((a, b) => a.id.localeCompare(b.id)))).toBe(before);
    });
    const fresh = async (actor: Person) =>
      ((await openSurvey({ store, clock: start, seal }, { actor, timeZone: TZ, campaignId: campaign.id })) as { answerKey: string }).answerKey;
    const submit = async (actor: Person, data: Record<string, unknown>) =>
      answerSurvey(
        { store, clock: start, seal },
        { actor, timeZone: TZ, data: { campaignId: campaign.id, page: 0, move: 'submit', carried: JSON.stringify(scripted(1)), ...data } },
      );

    it('answering a campaign that was not sent to you', async () => {
      await expect(answer(store, start, HR, campaign.id, scripted(1))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });
    it('a campaign id that does not exist', async () => {
      await expect(answer(store, start, staff[202]!, 'campaign-2026-11-23-forged', scripted(1))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
    it('extra fields, such as someone else’s id', async () => {
      const key = await fresh(staff[202]!);
      await expect(submit(staff[202]!, { answerKey: key, personId: staff[5]!.id })).rejects.toMatchObject({
        code: 'VALIDATION',
        message: expect.stringMatching(/personId/),
      });
      await expect(submit(staff[202]!, { answerKey: key, q_salary: '1' })).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(submit(staff[202]!, { answerKey: key, carried: JSON.stringify({ ...scripted(1), 'made-up': 'yes' }) })).rejects.toMatchObject({
        code: 'VALIDATION',
      });
    });
    it('an answer outside its choices or scale', async () => {
      const key = await fresh(staff[202]!);
      const view = await submit(staff[202]!, { answerKey: key, carried: JSON.stringify({ ...scripted(1), confidence: 'extremely' }) });
      expect(view).toMatchObject({ kind: 'page', issues: [{ field: 'confidence', message: 'Choose one of the options.' }] });
      await expect(submit(staff[202]!, { answerKey: key, page: 'x' })).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(submit(staff[202]!, { answerKey: 'short' })).rejects.toMatchObject({ code: 'VALIDATION' });
    });
    it('a second answer from someone who has answered, without their own card', async () => {
      const key = await fresh(staff[202]!);
      await expect(submit(staff[3]!, { answerKey: key })).rejects.toMatchObject({ code: 'ALREADY_ANSWERED' });
    });
    it('someone else’s results', async () => {
      await expect(campaignResults({ store }, staff[3]!.orgId, campaign.id, staff[3]!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  it('chasers reach only those who have not answered, at most twice, then the campaign closes with every answer pooled', async () => {
    // Of staff 200–203, 201 answered above; 202 answers on the 27th, after the first chaser.
    for (const day of ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']) {
      await runQuestionnaireJob(store, `${day}T09:00:00Z`);
      await runQuestionnaireJob(store, `${day}T10:00:00Z`);
      if (day === '2026-11-27') await answer(store, at(`${day}T12:00:00Z`), staff[202]!, campaign.id, scripted(2));
    }
    const chasers = (await deliveryStatus(store, ORG, { purpose: 'questionnaire' })).items
      .filter((i) => /-chaser\d-staff-20\d$/.test(i.id))
      .map((i) => i.id.replace(`${campaign.id}-`, ''))
      .sort();
    expect(chasers).toEqual(['chaser1-staff-200', 'chaser1-staff-202', 'chaser1-staff-203', 'chaser2-staff-200', 'chaser2-staff-203']);
    expect((await deliveryStatus(store, ORG, { purpose: 'questionnaire' })).items.some((i) => /-chaser\d-staff-00\d$/.test(i.id))).toBe(false);
    const chaser = (await store.collection<OutboxItem>('outbox').read(ORG, `${campaign.id}-chaser2-staff-200`))!;
    expect(chaser.message).toMatchObject({ kind: 'questionnaire-invite', chaser: 2 });
    expect(chaser.createdAt.slice(0, 10)).toBe('2026-12-01'); // 6 working days after Monday 23rd
    await runQuestionnaireJob(store, '2026-12-07T10:00:00Z');
    expect((await getCampaign(store, ORG, campaign.id)).status).toBe('closed');
    await expect(answer(store, at('2026-12-07T11:00:00Z'), staff[200]!, campaign.id, scripted(3))).rejects.toMatchObject({ code: 'SURVEY_CLOSED' });
    // Staff 0–9, 150, 201 (changed to not very confident) and 202: thirteen sets, each once.
    const entries = await answersOf(store, campaign);
    expect(entries).toHaveLength(13);
    expect(entries.filter((e) => e.answers.confidence === 'not-very')).toHaveLength(1);
    expect((await campaignResults({ store }, HR.orgId, campaign.id, HR)).responded).toBe(13);
  });
});

describe('the three-month follow-up after training', () => {
  let store: Store;
  const attendee = (id: string) => person({ id, name: `Attendee ${id}`, department: 'Children’s Services', jobTitle: 'Social Worker' });
  const completions: [string, string][] = [
    ['fri-25-sep', '2026-09-25'],
    ['sat-26-sep', '2026-09-26'],
    ['sun-27-sep', '2026-09-27'],
    ['mon-28-sep', '2026-09-28'],
    ['tue-29-sep', '2026-09-29'],
    ['wed-30-sep', '2026-09-30'],
  ];

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [HR, ...completions.map(([id]) => attendee(id)), attendee('booked-only')] });
    const training = store.collection<TrainingRecord>('training');
    for (const [personId, completedOn] of completions) await completedSafeguarding(store, personId, completedOn);
    await training.upsert({
      id: 'rec-booked',
      orgId: ORG,
      kind: 'record',
      personId: 'booked-only',
      courseCode: 'SG-GEN',
      completedOn: '2026-09-30',
      status: 'booked',
      source: 'import',
      createdAt: '2026-10-01T00:00:00Z',
    });
  });
  afterAll(() => store.close());

  it('pools a calendar month of completions into one campaign, sent once the month’s last completion is 90 days past', async () => {
    await setFollowUp(store, ORG, { courseCode: 'sg-gen' });
    const invitedOn = new Map<string, string>();
    for (let d = 14; d <= 31; d++) {
      const day = `2026-12-${String(d).padStart(2, '0')}`;
      await runQuestionnaireJob(store, `${day}T08:00:00Z`);
      await runQuestionnaireJob(store, `${day}T10:00:00Z`);
      for (const item of (await deliveryStatus(store, ORG, { purpose: 'questionnaire' })).items) {
        const who = (item.recipient as { personId: string }).personId;
        if (item.id.includes('-invite-') && !invitedOn.has(who)) invitedOn.set(who, day);
      }
    }
    // 30 September + 90 days = Tuesday 29 December (the 28th is the substitute Boxing Day): everyone that day, together.
    expect(Object.fromEntries(invitedOn)).toEqual(Object.fromEntries(completions.map(([id]) => [id, '2026-12-29'])));
    const followUp = await getCampaign(store, ORG, 'followup-sg-gen-2026-09-01');
    expect(followUp).toMatchObject({
      title: 'Safeguarding training: three months on (SG-GEN, completed September 2026)',
      anonymous: true,
      invited: 6,
      audience: { type: 'course', courseCode: 'SG-GEN', completedFrom: '2026-09-01', completedTo: '2026-09-30' },
      questionnaire: { key: 'training-follow-up' },
    });
    // Ten working days to answer, skipping New Year's Day.
    expect(followUp.closesOn).toBe('2027-01-13');
    expect((await surveyDocs(store)).filter((d) => d.kind === 'campaign')).toHaveLength(1);
  });

  it('compares the cohort’s answers straight after the course with three months on, once both have closed', async () => {
    const sentOct = at('2026-10-01T09:00:00Z');
    const immediate = await createCampaign(
      { store, clock: sentOct, calendar },
      {
        actor: HR,
        timeZone: TZ,
        data: {
          questionnaire: 'awareness',
          audience: { type: 'course', courseCode: 'SG-GEN', completedFrom: '2026-09-01', completedTo: '2026-09-30' },
          anonymous: true,
          closesOn: '2026-10-16',
        },
      },
    );
    const ids = completions.map(([id]) => id);
    for (const [i, id] of ids.entries()) {
      await answer(store, sentOct, attendee(id), immediate.id, {
        'know-how-to-report': 'yes',
        'aware-of-procedures': 'yes',
        confidence: i < 3 ? 'not-very' : 'quite',
        'know-dso-name': i < 2 ? 'yes' : 'no',
        'last-trained': 'within-12-months',
      });
    }
    await runQuestionnaireJob(store, '2026-10-19T08:00:00Z');
    const followUpAnswers = {
      'practice-change': 'I now record concerns the same day.',
      'used-procedure': 'yes',
      'know-how-to-report': 'yes',
      'training-useful': '4',
    };
    const later = at('2026-12-30T11:00:00Z');
    for (const [i, id] of ids.entries())
      await answer(store, later, attendee(id), 'followup-sg-gen-2026-09-01', {
        ...followUpAnswers,
        confidence: i === 0 ? 'very' : 'quite',
        'know-dso-name': 'yes',
      });
    // While the follow-up is open, there is nothing to compare it with.
    expect((await campaignResults({ store }, HR.orgId, immediate.id, HR)).comparison).toBeUndefined();
    await runQuestionnaireJob(store, '2027-01-14T08:00:00Z');

    const r = await campaignResults({ store }, HR.orgId, immediate.id, HR);
    expect(r.comparison).toMatchObject({ immediate: { responses: 6 }, followUp: { campaignIds: ['followup-sg-gen-2026-09-01'], responses: 6 } });
    const row = (q: string, a: string) => r.comparison!.rows.find((x) => x.questionId === q && x.answer === a);
    expect(row('confidence', 'Not very confident')).toMatchObject({ immediatePct: 50, followUpPct: 0 });
    expect(row('confidence', 'Quite confident')).toMatchObject({ immediatePct: 50, followUpPct: 83.3 });
    expect(row('confidence', 'Very confident')).toMatchObject({ immediatePct: 0, followUpPct: 16.7 });
    expect(row('know-dso-name', 'Yes')).toMatchObject({ immediatePct: 33.3, followUpPct: 100 });
    // Only questions both asked are compared.
    expect(r.comparison!.rows.some((x) => x.questionId === 'used-procedure' || x.questionId === 'last-trained')).toBe(false);
    // And from the follow-up's side, the same cohort's immediate survey is found.
    expect((await campaignResults({ store }, HR.orgId, 'followup-sg-gen-2026-09-01', HR)).comparison?.immediate.campaignIds).toEqual([immediate.id]);
    // Six answers: figures, but the written answers only as a count (text from ten).
    const followUp = await campaignResults({ store }, HR.orgId, 'followup-sg-gen-2026-09-01', HR);
    expect(followUp.questions.find((q) => q.id === 'practice-change')).toMatchObject({ answered: 6, written: [], writtenCount: 6 });
    expect(resultsReport(followUp).rows).toContainEqual(['Written answers', 'What has changed in your practice since the training?', 'withheld', '6', '']);
  });
});

describe('a follow-up pool too small to be anonymous', () => {
  let store: Store;
  const attendee = (id: string) => person({ id, name: `Attendee ${id}`, department: 'Adult Social Care', jobTitle: 'Care Worker' });
  const invitations = async () => (await deliveryStatus(store, ORG, { purpose: 'questionnaire' })).items.filter((i) => i.id.includes('-invite-'));

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [HR, ...['a', 'b', 'c', 'd', 'e'].map(attendee)] });
    await setFollowUp(store, ORG, { courseCode: 'SG-GEN' });
  });
  afterAll(() => store.close());

  it('three completions in October send nothing, however often the job runs', async () => {
    for (const [id, day] of [
      ['a', '2026-10-05'],
      ['b', '2026-10-14'],
      ['c', '2026-10-30'],
    ] as const)
      await completedSafeguarding(store, id, day);
    // 31 October + 90 days = Friday 29 January: October's pool is due, but it is a pool of 3.
    for (const day of ['2027-01-28', '2027-01-29', '2027-02-01', '2027-02-15']) await runQuestionnaireJob(store, `${day}T10:00:00Z`);
    expect(await invitations()).toEqual([]);
    expect((await surveyDocs(store)).filter((d) => d.kind === 'campaign')).toEqual([]);
  });

  it('two more in November make five: one campaign for October to November, sent when November’s is due', async () => {
    await completedSafeguarding(store, 'd', '2026-11-02');
    await completedSafeguarding(store, 'e', '2026-11-30');
    await runQuestionnaireJob(store, '2027-02-26T10:00:00Z');
    expect(await invitations()).toEqual([]);
    // 30 November + 90 days = Sunday 28 February: sent on Monday 1 March.
    await runQuestionnaireJob(store, '2027-03-01T10:00:00Z');
    expect((await invitations()).map((i) => (i.recipient as { personId: string }).personId).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await getCampaign(store, ORG, 'followup-sg-gen-2026-10-01')).toMatchObject({
      title: 'Safeguarding training: three months on (SG-GEN, completed October to November 2026)',
      invited: 5,
      audience: { completedFrom: '2026-10-01', completedTo: '2026-11-30' },
    });
    // Run again: nothing new, and the next pool starts in December.
    await runQuestionnaireJob(store, '2027-03-02T10:00:00Z');
    expect(await invitations()).toHaveLength(5);
    expect((await store.collection<FollowUpRule>('surveys').read(ORG, 'follow-up-sg-gen'))?.nextPoolFrom).toBe('2026-12-01');
  });

  it('can pool by quarter instead, keeping its place', async () => {
    const rule = await setFollowUp(store, ORG, { courseCode: 'SG-GEN', poolMonths: 3 });
    expect(rule).toMatchObject({ poolMonths: 3, nextPoolFrom: '2026-12-01' });
    await expect(setFollowUp(store, ORG, { courseCode: 'SG-GEN', poolMonths: 5 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('a follow-up rule from before pooling', () => {
  let store: Store;
  afterAll(() => store.close());

  it('carries on after the follow-ups it already sent: nobody is asked twice', async () => {
    store = await openTestStore();
    const people = ['early', 'p1', 'p2', 'p3', 'p4', 'p5'].map((id) => person({ id, name: `Attendee ${id}` }));
    await seed(store, { people: [HR, ...people] });
    const training = store.collection<TrainingRecord>('training');
    for (const p of people) {
      await training.upsert({
        id: `rec-${p.id}`,
        orgId: ORG,
        kind: 'record',
        personId: p.id,
        courseCode: 'SG-GEN',
        completedOn: p.id === 'early' ? '2026-08-10' : '2026-08-25',
        status: 'completed',
        source: 'import',
        createdAt: '2026-09-01T00:00:00Z',
      });
    }
    await setFollowUp(store, ORG, { courseCode: 'SG-GEN' });
    // What the daily follow-ups of the earlier version left: one sent for completions up to 20 August.
    const earlier = {
      id: 'followup-sg-gen-2026-11-18',
      orgId: ORG,
      kind: 'campaign' as const,
      title: 'Earlier',
      questionnaire: { key: 'training-follow-up', version: 1 },
      audience: { type: 'course' as const, courseCode: 'SG-GEN', completedFrom: '2026-08-20', completedTo: '2026-08-20' },
      anonymous: true,
      sendAt: '2026-11-18T08:00:00.000Z',
      closesOn: '2026-12-02',
      maxChasers: 2,
      chaserEveryWorkingDays: 3,
      status: 'open' as const,
      createdBy: { personId: 'system' as const, name: 'Automatic training follow-up' },
      createdAt: '2026-11-18T08:00:00.000Z',
      invited: 1,
      followUp: { courseCode: 'SG-GEN', afterDays: 90 },
    };
    await store.collection<Campaign>('surveys').create(earlier);
    // 31 August + 90 days = Sunday 29 November: August's pool goes on Monday the 30th, from the 21st.
    await runQuestionnaireJob(store, '2026-11-30T10:00:00Z');
    expect(await getCampaign(store, ORG, 'followup-sg-gen-2026-08-21')).toMatchObject({
      invited: 5,
      title: 'Safeguarding training: three months on (SG-GEN, completed August 2026)',
    });
    const invited = (await deliveryStatus(store, ORG, { purpose: 'questionnaire' })).items.map((i) => (i.recipient as { personId: string }).personId).sort();
    expect(invited).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });
});

describe('a large anonymous campaign', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('spreads 400 answers over shards by random halves: each answer once, no shard over capacity, none with a lone answer', async () => {
    const people = Array.from({ length: 400 }, (_, i) =>
      person({ id: `big-${i}`, name: `Big ${i}`, department: 'Children’s Services', jobTitle: 'Social Worker' }),
    );
    await seed(store, { people: [HR, ...people] });
    const clock = at('2026-11-23T09:00:00Z');
    const campaign = await createCampaign(
      { store, clock, calendar },
      {
        actor: HR,
        timeZone: TZ,
        data: { questionnaire: 'awareness', audience: { type: 'role', jobTitle: 'Social Worker' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    for (let i = 0; i < 400; i += 20) {
      await Promise.all(
        people.slice(i, i + 20).map((p, j) =>
          answer(store, clock, p, campaign.id, {
            'know-how-to-report': 'yes',
            'aware-of-procedures': 'yes',
            confidence: (i + j) % 2 ? 'very' : 'quite',
            'know-dso-name': 'yes',
            'last-trained': 'never',
          }),
        ),
      );
    }
    await runQuestionnaireJob(store, '2026-12-07T08:00:00Z');
    const shards = (await surveyDocs(store)).filter((d) => d.kind === 'answers');
    expect(shards.length).toBeGreaterThanOrEqual(2);
    for (const s of shards) expect(s.kind === 'answers' && s.entries.length).toBeGreaterThan(50);
    for (const s of shards) expect(s.kind === 'answers' && s.entries.length).toBeLessThanOrEqual(250);
    expect(shards.reduce((n, s) => n + (s.kind === 'answers' ? s.entries.length : 0), 0)).toBe(400);
    const r = await campaignResults({ store }, HR.orgId, campaign.id, HR);
    expect(
      r.questions
        .find((q) => q.id === 'confidence')!
        .options.slice(0, 2)
        .map((o) => o.count),
    ).toEqual([200, 200]);
  }, 60_000);
});
