import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Organisation } from '../organisation/model';
import type { Store } from '../store/ports';
import type { ReachWiring } from '../reach/setup';
import type { AnswerSeal } from '../surveys/seal';
import type { WorkingCalendar } from './calendar';

/**
 * What every scheduled job is given. It lives apart from the job table so that a job's module
 * can name it without importing the table, which imports every job.
 */
/**
 * `seal` is needed by the questionnaire job only (closing an anonymous campaign pools its waiting answers);
 * `reach` and `emailEnabled` by the reach job only: whether the app may install itself, and email, through Graph.
 */
export type JobContext = { store: Store; clock: Clock; orgId: string; organisation: Organisation; calendar: WorkingCalendar; logger: Logger; seal?: AnswerSeal; reach?: ReachWiring; emailEnabled?: boolean };

export type JobResult = { job: string; at: string; skipped?: string; [figure: string]: unknown };
