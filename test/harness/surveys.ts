import { runJob } from '../../bot/jobs';
import { FixedClock, type Clock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Person } from '../../services/people/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import type { Store } from '../../services/store/ports';
import { answerSurvey, openSurvey } from '../../services/surveys/responses';
import { AnswerSeal } from '../../services/surveys/seal';
import { FOLLOW_UP_SURVEY } from '../../services/surveys/builtin';
import { createCampaign, setFollowUp } from '../../services/surveys/campaigns';
import { addQuestionnaire } from '../../services/surveys/questionnaires';
import type { TrainingRecord } from '../../services/training/model';
import { ORG } from './fixtures';

/** Someone's answers to the built-in training follow-up, their written answer unique to them so it can be traced. */
export const followUpAnswers = (i: number, note = `Practice note ${i}: I record concerns the same day.`) => ({
  'practice-change': note,
  confidence: i % 3 ? 'quite' : 'very',
  'used-procedure': i % 2 ? 'yes' : 'no',
  'know-how-to-report': 'yes',
  'know-dso-name': 'yes',
  'training-useful': String((i % 5) + 1),
  'support-needed': 'supervision',
});

/** Answering questionnaires as the card does (open, then submit every answer at once), and closing them as the hourly job does. */
export function surveyAnswering(deps: { seal: AnswerSeal; clock: Clock; timeZone: string; calendar: WorkingCalendar }) {
  const { seal, clock, timeZone, calendar } = deps;
  return {
    /** Submits `raw` as `actor`; returns the answer key their saved card carries. */
    async submit(store: Store, actor: Person, campaignId: string, raw: Record<string, string>, answerKey?: string): Promise<string> {
      const opened = await openSurvey({ store, clock, seal }, { actor, timeZone, campaignId, ...(answerKey ? { answerKey } : {}) });
      if (opened.kind !== 'page') throw new Error('expected a page');
      const saved = await answerSurvey(
        { store, clock, seal },
        { actor, timeZone, data: { campaignId, page: 1, move: 'submit', carried: JSON.stringify(raw), answerKey: opened.answerKey } },
      );
      if (saved.kind !== 'saved') throw new Error(`not saved: ${JSON.stringify(saved.kind === 'page' ? saved.issues : saved)}`);
      return saved.answerKey;
    },
    /** Runs the questionnaire job as at `iso`: campaigns past their closing date close and pool their waiting answers. */
    async closeAll(store: Store, iso: string) {
      const at = new FixedClock(iso);
      return runJob('questionnaires', {
        store,
        clock: at,
        orgId: ORG,
        organisation: await ensureOrganisation(store, at, ORG, { timeZone }),
        calendar,
        logger: silentLogger,
        seal,
      });
    },
  };
}

/** The course of the follow-up below: one no requirement asks for, so training rates stay as they were. */
export const FOLLOW_UP_COURSE = 'SG-SPEC';
/** What the one person of the agency's own questionnaire answered: unlike anyone in the partnership's. */
export const LONE_AGENCY_ANSWER = {
  'know-how-to-report': 'no',
  'aware-of-procedures': 'no',
  confidence: 'not-at-all',
  'know-dso-name': 'no',
  'last-trained': 'never',
  comments: 'Nobody ever showed me how to report',
};

/** The follow-up's comparison with the partnership's questionnaire alone, as a report's rows: question, answer, immediate, follow-up. */
export const PARTNERSHIP_COMPARISON = [
  ['Do you know how to report a safeguarding concern?', 'Yes', '100%', '100%'],
  ['Do you know how to report a safeguarding concern?', 'No', '0%', '0%'],
  ['How confident are you that you would recognise and act on a safeguarding concern?', 'Very confident', '0%', '60%'],
  ['How confident are you that you would recognise and act on a safeguarding concern?', 'Quite confident', '100%', '40%'],
  ['How confident are you that you would recognise and act on a safeguarding concern?', 'Not very confident', '0%', '0%'],
  ['How confident are you that you would recognise and act on a safeguarding concern?', 'Not at all confident', '0%', '0%'],
];

/**
 * A short follow-up (two of the awareness survey's questions), so its results card has room for the
 * comparison: the built-in one's rows fill the card before it.
 */
const SHORT_FOLLOW_UP = {
  key: 'specialist-follow-up',
  version: 1,
  title: 'Specialist course: two months on',
  questions: FOLLOW_UP_SURVEY.questions.filter((q) => q.id === 'know-how-to-report' || q.id === 'confidence'),
};

/**
 * A partnership-wide automatic follow-up (named, of September 2026's SG-SPEC completions, made by
 * the questionnaire job on 23 November 2026) beside two immediate questionnaires to the same
 * attendees, both named: the partnership's own, sent by `partnershipAdmin` and answered by the first
 * five attendees, who all know how to report; and `agencyHr`'s agency-only one, answered by
 * `loneAnswerer` alone (LONE_AGENCY_ANSWER). The first five attendees answer the follow-up too.
 */
export async function followUpBesideAnAgencyQuestionnaire(
  store: Store,
  cast: { orgId?: string; partnershipAdmin: Person; agencyHr: Person; loneAnswerer: Person; attendees: Person[] },
): Promise<{ followUpId: string; partnershipCampaignId: string; agencyCampaignId: string }> {
  const orgId = cast.orgId ?? ORG;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const calendar = new WorkingCalendar();
  const seal = AnswerSeal.random();
  const timeZone = 'Europe/London';
  for (const p of cast.attendees) {
    await store.collection<TrainingRecord>('training').upsert({
      id: `rec-${FOLLOW_UP_COURSE}-${p.id}`,
      orgId,
      kind: 'record',
      personId: p.id,
      ...(p.agency ? { agency: p.agency } : {}),
      courseCode: FOLLOW_UP_COURSE,
      completedOn: '2026-09-15',
      status: 'completed',
      source: 'import',
      createdAt: '2026-09-16T00:00:00Z',
    });
  }
  await addQuestionnaire(store, clock, orgId, SHORT_FOLLOW_UP);
  await setFollowUp(store, orgId, { courseCode: FOLLOW_UP_COURSE, afterDays: 30, anonymous: false, questionnaire: SHORT_FOLLOW_UP.key });
  await runJob('questionnaires', {
    store,
    clock: new FixedClock('2026-11-23T08:00:00Z'),
    orgId,
    organisation: await ensureOrganisation(store, clock, orgId, { timeZone }),
    calendar,
    logger: silentLogger,
    seal,
  });
  const followUpId = `followup-${FOLLOW_UP_COURSE.toLowerCase()}-2026-09-01`;
  const immediate = (actor: Person, title: string) =>
    createCampaign(
      { store, clock, calendar },
      {
        actor,
        timeZone,
        data: {
          questionnaire: 'awareness',
          title,
          audience: { type: 'course', courseCode: FOLLOW_UP_COURSE, completedFrom: '2026-09-01', completedTo: '2026-09-30' },
          closesOn: '2026-12-04',
        },
      },
    );
  const partnership = await immediate(cast.partnershipAdmin, 'Straight after the specialist course');
  const agency = await immediate(cast.agencyHr, 'Our own specialist course check');
  if (partnership.agency !== undefined || agency.agency === undefined) throw new Error('expected one partnership and one agency-only questionnaire');
  const { submit } = surveyAnswering({ seal, clock, timeZone, calendar });
  for (const [i, p] of cast.attendees.slice(0, 5).entries()) {
    await submit(store, p, partnership.id, {
      'know-how-to-report': 'yes',
      'aware-of-procedures': 'yes',
      confidence: 'quite',
      'know-dso-name': 'yes',
      'last-trained': 'within-12-months',
    });
    await submit(store, p, followUpId, { 'know-how-to-report': 'yes', confidence: i % 2 ? 'quite' : 'very' });
  }
  await submit(store, cast.loneAnswerer, agency.id, LONE_AGENCY_ANSWER);
  return { followUpId, partnershipCampaignId: partnership.id, agencyCampaignId: agency.id };
}
