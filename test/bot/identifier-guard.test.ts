import { appEvents } from '../harness/partnership';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { runs } from '../fast-check-setup';
import { seedDemo } from '../../services/demo/seed-demo';
import type { Escalation } from '../../services/escalations/model';
import { ActionPlan } from '../../services/plan/repository';
import type { Action } from '../../services/plan/model';
import { toArray } from '../../services/store/ports';
import type { Person } from '../../services/people/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { createCampaign } from '../../services/surveys/campaigns';
import type { SurveyDoc } from '../../services/surveys/model';
import { startTestApp, type TestApp } from '../harness/app';
import { cli } from '../harness/cli';
import { linkDemoPeople, ORG } from '../harness/fixtures';
import { anyIdentifier, ORDINARY_TEXT, ordinaryProse } from '../harness/identifiers';
import { actionData } from '../harness/route-context';
import { invokeActionExecute, TEST_TENANT_ID, type TeamsUser } from '../harness/teams-activities';

const VAL: TeamsUser = { id: '29:val', aadObjectId: 'aad-val', name: 'Val Johnson' };
const RICHARD: TeamsUser = { id: '29:richard', aadObjectId: 'aad-richard', name: 'Richard Adams' };

/** Generated identifiers (dates of birth, NHS numbers, phone numbers, postcodes, addresses; some disguised) given to one input in turn. */
const everyIdentifier = (check: (text: string) => Promise<void>) =>
  fc.assert(
    fc.asyncProperty(anyIdentifier, ({ text }) => check(text)),
    { numRuns: runs(8) },
  );

/**
 * Every card input and command-line input that stores free text, each given generated
 * identifiers through the real bot over HTTP: each is refused with the problem shown, and nothing
 * is stored. Ordinary notes go through.
 */
describe('the identifier guard on every free-text input', () => {
  let t: TestApp;
  let concernId: string;
  let campaignId: string;
  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
    await linkDemoPeople(t.store);
    const raised = await invoke(RICHARD, 'esc.raise', {
      category: 'referral-outcome',
      agency: 'MASH',
      caseReference: 'MASH-2026-0042',
      asked: 'Outcome of the November referral',
      wanted: 'Feedback this week',
    });
    expect(JSON.stringify(raised)).toMatch(/Raised as ESC-/);
    concernId = (await escalations())[0]!.id;
    // A questionnaire with a written answer, open to Val.
    const val = (await t.store.collection<Person>('people').read(ORG, 'demo-val-johnson'))!;
    campaignId = (
      await createCampaign(
        { store: t.store, clock: t.clock, calendar: new WorkingCalendar() },
        {
          actor: val,
          timeZone: 'Europe/London',
          data: { questionnaire: 'training-follow-up', audience: { type: 'everyone' }, anonymous: true, closesOn: '2027-01-29' },
        },
      )
    ).id;
  });
  afterAll(() => t.close());

  async function invokeCard(user: TeamsUser, verb: string, data: Record<string, unknown>): Promise<unknown> {
    const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user, verb, data }));
    expect(res.status).toBe(200);
    return res.body.value;
  }
  const invoke = async (user: TeamsUser, verb: string, data: Record<string, unknown>) => JSON.stringify(await invokeCard(user, verb, data));
  const escalations = () => toArray(t.store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'));
  const concern = async () => (await t.store.collection<Escalation>('escalations').read(ORG, concernId))!;
  const valsAction = async () => (await new ActionPlan(t.store).openActionsLedBy(ORG, 'demo-val-johnson'))[0]!;

  describe('update card (action.update): progress, evidence, reason, remedial action', () => {
    it.each(['progress', 'evidence', 'reason', 'remedialAction'])(
      '%s: every generated identifier is refused next to the field; the action is unchanged',
      async (field) => {
        await everyIdentifier(async (text) => {
          const action = await valsAction();
          const data = {
            actionId: action.id,
            version: action.version,
            status: 'R',
            progress: 'Behind plan',
            evidence: 'Minutes',
            reason: 'Staff absence',
            remedialAction: 'Extra sessions',
            [field]: text,
          };
          const card = await invoke(VAL, 'action.update', data);
          expect(card).toMatch(/This looks like (a date of birth|an NHS number|a phone number|a postcode|an address)/);
          expect((await t.store.collection<Action>('actions').read(ORG, action.id))!.version).toBe(action.version);
        });
      },
    );

    it('ordinary notes in every field are saved', async () => {
      await fc.assert(
        fc.asyncProperty(ordinaryProse, async (text) => {
          const action = await valsAction();
          await invoke(VAL, 'action.update', {
            actionId: action.id,
            version: action.version,
            status: 'A',
            progress: text,
            evidence: text,
            reason: text,
            remedialAction: text,
          });
          expect((await t.store.collection<Action>('actions').read(ORG, action.id))!.version).toBe(action.version + 1);
        }),
        { numRuns: runs(4) },
      );
    });
  });

  describe('raise concern form (esc.raise): agency, case reference, what was asked, what is wanted', () => {
    it.each(['agency', 'caseReference', 'asked', 'wanted'])('%s: every generated identifier is refused and no escalation is stored', async (field) => {
      await everyIdentifier(async (text) => {
        const before = (await escalations()).length;
        const card = await invoke(RICHARD, 'esc.raise', {
          category: 'referral-outcome',
          agency: 'MASH',
          caseReference: 'MASH-2026-0042',
          asked: 'Outcome of the referral',
          wanted: 'Feedback',
          [field]: text,
        });
        // A case reference longer than any reference is refused for its length, before it is read.
        expect(card).toMatch(field === 'caseReference' ? /Remove identifying details|A case reference is at most 40 characters/ : /Remove identifying details/);
        expect((await escalations()).length).toBe(before);
      });
    });

    it.each(['03-03-2015', '9434765919', 'JSmith-030315'])('the case reference %j from the report is refused by the reference format', async (ref) => {
      const before = (await escalations()).length;
      expect(
        await invoke(RICHARD, 'esc.raise', { category: 'referral-outcome', agency: 'MASH', caseReference: ref, asked: 'Outcome', wanted: 'Feedback' }),
      ).toMatch(/case reference/);
      expect((await escalations()).length).toBe(before);
    });
  });

  it('a first-and-last-name pair is a warning, not a refusal: the form comes back once, and Raise then sends it as it is', async () => {
    const before = (await escalations()).length;
    const data = {
      category: 'professional-disagreement',
      agency: 'Health visiting',
      caseReference: 'MASH-2026-0050',
      asked: 'Spoke with Jo Bloggs about the plan',
      wanted: 'A strategy meeting',
    };
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
    ])('%s (%s): every generated identifier is refused; the record is unchanged', async (verb, input) => {
      await everyIdentifier(async (text) => {
        const before = await concern();
        const card = await invoke(VAL, verb, { escalationId: concernId, feedbackDue: '2026-12-31', [input]: text });
        expect(card).toMatch(/This looks like/);
        expect(await concern()).toMatchObject({ version: before.version, stage: before.stage, status: 'open' });
      });
    });

    it('ordinary notes are added', async () => {
      for (const text of ORDINARY_TEXT.filter(Boolean)) {
        const before = await concern();
        expect(await invoke(VAL, 'esc.note', { escalationId: concernId, noteText: text })).toMatch(/Note added/);
        expect((await concern()).version).toBe(before.version + 1);
      }
    });

    it('esc.feedbackReceived: the note sent with it is refused (it was never checked before)', async () => {
      expect(await invoke(VAL, 'esc.requestFeedback', { escalationId: concernId, feedbackFrom: 'MASH team', feedbackDue: '2026-12-31' })).toMatch(
        /Now waiting for feedback/,
      );
      await everyIdentifier(async (text) => {
        const before = await concern();
        expect(await invoke(VAL, 'esc.feedbackReceived', { escalationId: concernId, text })).toMatch(/This looks like/);
        const after = await concern();
        expect(after.version).toBe(before.version);
        expect(after.status).toBe('open');
      });
    });
  });

  it('questionnaire written answer (survey page): every generated identifier comes back as a problem under its question, and nothing is stored', async () => {
    const surveyDocs = async () => (await toArray(t.store.collection<SurveyDoc>('surveys').readAll())).filter((d) => d.kind !== 'campaign').length;
    const page1 = await invokeCard(VAL, 'survey.open', { campaignId });
    expect(JSON.stringify(page1)).toContain('Page 1 of 2');
    const before = await surveyDocs();
    await everyIdentifier(async (text) => {
      const back = JSON.stringify(
        await invokeCard(
          VAL,
          'survey.page',
          actionData(page1, 'Next', { 'q_practice-change': text, q_confidence: 'quite', 'q_used-procedure': 'yes', 'q_know-how-to-report': 'yes' }),
        ),
      );
      expect(back).toMatch(/This looks like/);
      expect(back).not.toContain('Page 2 of 2');
    });
    expect(await surveyDocs()).toBe(before);
    // An ordinary written answer goes on to page 2.
    const next = await invoke(
      VAL,
      'survey.page',
      actionData(page1, 'Next', {
        'q_practice-change': 'I record concerns the same day and tell the DSO; 3 of 5 colleagues do too.',
        q_confidence: 'quite',
        'q_used-procedure': 'yes',
        'q_know-how-to-report': 'yes',
      }),
    );
    expect(next).toContain('Page 2 of 2');
  });

  describe('command line', () => {
    let work: string;
    beforeAll(async () => {
      work = await fs.mkdtemp(path.join(os.tmpdir(), 'guard-cli-'));
    });

    it('plan import: every generated identifier in an action, evidence or progress is reported on its row (a warning: the plan is the organisation’s own)', async () => {
      const file = path.join(work, 'plan.csv');
      await fc.assert(
        fc.asyncProperty(fc.array(anyIdentifier, { minLength: 3, maxLength: 3 }), async ([action, evidence, progress]) => {
          const row = (fields: Record<string, string>) => ({
            'Learning point': 'Learning Point 1: Procedures',
            Action: 'Review the procedure',
            Evidence: 'Minutes',
            'Completion date': 'April 2027',
            Lead: 'Val Johnson',
            Progress: 'On track',
            Status: 'G-Green',
            ...fields,
          });
          await fs.writeFile(
            file,
            stringify([row({ Action: action!.text }), row({ Evidence: evidence!.text }), row({ Progress: progress!.text })], { header: true }),
          );
          const { out } = await cli(path.join(work, 'data'), 'plan', 'import', file, '--dry-run');
          expect(out).toMatch(/row 2: Action looks like it holds/);
          expect(out).toMatch(/row 3: Evidence looks like it holds/);
          expect(out).toMatch(/row 4: Progress looks like it holds/);
        }),
        { numRuns: runs(3) },
      );
    });

    it('org set: a case reference format that would accept a date or an NHS number is refused; a strict one is kept', async () => {
      const dataDir = path.join(work, 'data');
      const loose = path.join(work, 'loose.json');
      await fs.writeFile(loose, JSON.stringify({ caseReferencePattern: '[A-Za-z0-9 /-]+' }));
      await expect(cli(dataDir, 'org', 'set', loose)).rejects.toMatchObject({
        code: 'VALIDATION',
        message: expect.stringMatching(/caseReferencePattern: must not accept a date/),
      });
      const strict = path.join(work, 'strict.json');
      await fs.writeFile(strict, JSON.stringify({ caseReferencePattern: 'P\\d{6,8}' }));
      expect((await cli(dataDir, 'org', 'set', strict)).out).toMatch(/Updated the settings/);
    });
  });
});
