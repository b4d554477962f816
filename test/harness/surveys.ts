import { runJob } from '../../bot/jobs';
import { FixedClock, type Clock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Person } from '../../services/people/model';
import type { WorkingCalendar } from '../../services/scheduling/calendar';
import type { Store } from '../../services/store/ports';
import { answerSurvey, openSurvey } from '../../services/surveys/responses';
import type { AnswerSeal } from '../../services/surveys/seal';
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
      const saved = await answerSurvey({ store, clock, seal }, { actor, timeZone, data: { campaignId, page: 1, move: 'submit', carried: JSON.stringify(raw), answerKey: opened.answerKey } });
      if (saved.kind !== 'saved') throw new Error(`not saved: ${JSON.stringify(saved.kind === 'page' ? saved.issues : saved)}`);
      return saved.answerKey;
    },
    /** Runs the questionnaire job as at `iso`: campaigns past their closing date close and pool their waiting answers. */
    async closeAll(store: Store, iso: string) {
      const at = new FixedClock(iso);
      return runJob('questionnaires', { store, clock: at, orgId: ORG, organisation: await ensureOrganisation(store, at, ORG, { timeZone }), calendar, logger: silentLogger, seal });
    },
  };
}
