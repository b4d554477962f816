import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDemo } from '../../services/demo/seed-demo';
import type { Escalation } from '../../services/escalations/model';
import { ActionPlan } from '../../services/plan/repository';
import type { Action } from '../../services/plan/model';
import { toArray } from '../../services/store/ports';
import { BUILT_IN_QUESTIONNAIRES } from '../../services/surveys/builtin';
import { checkAnswers } from '../../services/surveys/answers';
import { startTestApp, type TestApp } from '../harness/app';
import { cli } from '../harness/cli';
import { linkDemoPeople, ORG } from '../harness/fixtures';
import { invokeActionExecute, TEST_TENANT_ID, type TeamsUser } from '../harness/teams-activities';

const VAL: TeamsUser = { id: '29:val', aadObjectId: 'aad-val', name: 'Val Johnson' };
const RICHARD: TeamsUser = { id: '29:richard', aadObjectId: 'aad-richard', name: 'Richard Adams' };

/** The report's examples, one per field in turn, so each field meets each kind of identifier. */
const IDENTIFYING = [
  'Jayden Smith DOB 03/03/2015 NHS 943 476 5919',
  'Jayden Smith (3 March 2015), 12 High St OX4 1AB',
  '2015-03-03',
  '943  476  5919',
  'NHS no 943.476.5919',
  '0044 7700 900123',
  '(020) 7946 0958',
  '3rd of March 2015',
];
const pick = (i: number) => IDENTIFYING[i % IDENTIFYING.length]!;

/**
 * Every card input and command-line input that stores free text, each given identifying text
 * through the real bot over HTTP: each is refused with the problem shown, and nothing is stored.
 */
describe('the identifier guard on every free-text input', () => {
  let t: TestApp;
  let concernId: string;
  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London');
    await linkDemoPeople(t.store);
    const raised = await invoke(RICHARD, 'esc.raise', { category: 'referral-outcome', agency: 'MASH', caseReference: 'MASH-2026-0042', asked: 'Outcome of the November referral', wanted: 'Feedback this week' });
    expect(JSON.stringify(raised)).toMatch(/Raised as ESC-/);
    concernId = (await escalations())[0]!.id;
  });
  afterAll(() => t.close());

  async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>): Promise<string> {
    const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user, verb, data }));
    expect(res.status).toBe(200);
    return JSON.stringify(res.body.value);
  }
  const escalations = () => toArray(t.store.collection<Escalation>('escalations').readAll());
  const concern = async () => (await t.store.collection<Escalation>('escalations').read(ORG, concernId))!;
  const valsAction = async () => (await new ActionPlan(t.store).openActionsLedBy(ORG, 'demo-val-johnson'))[0]!;

  describe('update card (action.update): progress, evidence, reason, remedial action', () => {
    it.each(['progress', 'evidence', 'reason', 'remedialAction'].map((field, i) => [field, pick(i)]))('%s with %j is refused next to the field; the action is unchanged', async (field, text) => {
      const action = await valsAction();
      const data = { actionId: action.id, version: action.version, status: 'R', progress: 'Behind plan', evidence: 'Minutes', reason: 'Staff absence', remedialAction: 'Extra sessions', [field]: text };
      const card = await invoke(VAL, 'action.update', data);
      expect(card).toMatch(/This looks like (a date of birth|an NHS number|a phone number|a postcode|an address)/);
      expect((await t.store.collection<Action>('actions').read(ORG, action.id))!.version).toBe(action.version);
    });
  });

  describe('raise concern form (esc.raise): agency, case reference, what was asked, what is wanted', () => {
    const fields = ['agency', 'caseReference', 'asked', 'wanted'];
    it.each(fields.map((field, i) => [field, pick(i + 2)]))('%s with %j is refused and no escalation is stored', async (field, text) => {
      const before = (await escalations()).length;
      const card = await invoke(RICHARD, 'esc.raise', { category: 'referral-outcome', agency: 'MASH', caseReference: 'MASH-2026-0042', asked: 'Outcome of the referral', wanted: 'Feedback', [field]: text });
      expect(card).toMatch(/Remove identifying details/);
      expect((await escalations()).length).toBe(before);
    });

    it.each(['03-03-2015', '9434765919', 'JSmith-030315'])('the case reference %j from the report is refused by the reference format', async (ref) => {
      const before = (await escalations()).length;
      expect(await invoke(RICHARD, 'esc.raise', { category: 'referral-outcome', agency: 'MASH', caseReference: ref, asked: 'Outcome', wanted: 'Feedback' })).toMatch(/case reference/);
      expect((await escalations()).length).toBe(before);
    });
  });

  it('a first-and-last-name pair is a warning, not a refusal: the form comes back once, and Raise then sends it as it is', async () => {
    const before = (await escalations()).length;
    const data = { category: 'professional-disagreement', agency: 'Health visiting', caseReference: 'MASH-2026-0050', asked: 'Spoke with Jo Bloggs about the plan', wanted: 'A strategy meeting' };
    const warned = await invoke(RICHARD, 'esc.raise', data);
    expect(warned).toMatch(/looks like a person’s name/);
    expect(warned).toMatch(/"namesChecked":"true"/);
    expect((await escalations()).length).toBe(before);
    t.clock.set('2026-11-22T10:05:00Z'); // a second concern by the same person, later
    expect(await invoke(RICHARD, 'esc.raise', { ...data, namesChecked: 'true' })).toMatch(/Raised as ESC-/);
    expect((await escalations()).length).toBe(before + 1);
  });

  describe('escalation alert card: note, move reason, outcome, who feedback is from, feedback received note', () => {
    it.each([
      ['esc.note', 'noteText'],
      ['esc.move', 'moveReason'],
      ['esc.resolve', 'outcome'],
      ['esc.requestFeedback', 'feedbackFrom'],
    ].map(([verb, input], i) => [verb!, input!, pick(i + 4)]))('%s (%s) with %j is refused; the record is unchanged', async (verb, input, text) => {
      const before = await concern();
      const card = await invoke(VAL, verb, { escalationId: concernId, feedbackDue: '2026-12-31', [input]: text });
      expect(card).toMatch(/This looks like/);
      expect(await concern()).toMatchObject({ version: before.version, stage: before.stage, status: 'open' });
    });

    it('esc.feedbackReceived: the note sent with it is refused (it was never checked before)', async () => {
      expect(await invoke(VAL, 'esc.requestFeedback', { escalationId: concernId, feedbackFrom: 'MASH team', feedbackDue: '2026-12-31' })).toMatch(/Now waiting for feedback/);
      const before = await concern();
      expect(await invoke(VAL, 'esc.feedbackReceived', { escalationId: concernId, text: 'Jayden Smith DOB 03/03/2015 NHS 943 476 5919' })).toMatch(/This looks like/);
      const after = await concern();
      expect(after.version).toBe(before.version);
      expect(JSON.stringify(after)).not.toMatch(/Jayden|943 476/);
    });
  });

  // The same through the bot, page by page, is in surveys-bot.test.ts.
  it('questionnaire written answers (survey pages): identifying text is an answer problem, not an answer', () => {
    const followUp = BUILT_IN_QUESTIONNAIRES.find((q) => q.questions.some((x) => x.type === 'text'))!;
    const written = followUp.questions.find((q) => q.type === 'text')!;
    const { answers, issues } = checkAnswers([written], { [written.id]: 'Supported Jayden Smith DOB 03/03/2015' });
    expect(answers).toEqual({});
    expect(issues).toEqual([{ field: written.id, message: expect.stringMatching(/looks like a date of birth/) }]);
  });

  describe('command line', () => {
    let work: string;
    beforeAll(async () => {
      work = await fs.mkdtemp(path.join(os.tmpdir(), 'guard-cli-'));
    });

    it('plan import: identifying text in an action, evidence or progress is reported on its row', async () => {
      const file = path.join(work, 'plan.csv');
      await fs.writeFile(
        file,
        [
          'Learning point,Action,Evidence,Completion date,Lead,Progress,Status',
          'Learning Point 1: Procedures,Review the procedure,Minutes,April 2027,Val Johnson,"Seen Jayden Smith DOB 03/03/2015",G-Green',
          ',Train the team,Register of 12 High St OX4 1AB,May 2027,Val Johnson,On track,G-Green',
        ].join('\n'),
      );
      const { out } = await cli(path.join(work, 'data'), 'plan', 'import', file, '--dry-run');
      expect(out).toMatch(/row 2: Progress looks like it holds a date of birth/);
      expect(out).toMatch(/row 3: Evidence looks like it holds (an address|a postcode)/);
    });

    it('org set: a case reference format that would accept a date or an NHS number is refused; a strict one is kept', async () => {
      const dataDir = path.join(work, 'data');
      const loose = path.join(work, 'loose.json');
      await fs.writeFile(loose, JSON.stringify({ caseReferencePattern: '[A-Za-z0-9 /-]+' }));
      await expect(cli(dataDir, 'org', 'set', loose)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/caseReferencePattern: must not accept a date/) });
      const strict = path.join(work, 'strict.json');
      await fs.writeFile(strict, JSON.stringify({ caseReferencePattern: 'P\\d{6,8}' }));
      expect((await cli(dataDir, 'org', 'set', strict)).out).toMatch(/Updated the settings/);
    });
  });
});
