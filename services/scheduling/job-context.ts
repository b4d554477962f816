import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Organisation } from '../organisation/model';
import type { Store } from '../store/ports';
import type { ReachWiring } from '../reach/setup';
import type { GroupRolesWiring } from '../people/group-roles';
import type { AnswerSeal } from '../surveys/seal';
import { today } from '../core/dates';
import type { WorkingCalendar } from './calendar';
import type { RetentionSettings } from '../retention/schedule';
import { inBackground } from '../store/request-priority';

/**
 * What every scheduled job is given. The job table is composed by the app (bot/jobs.ts) and handed
 * to the scheduler, so a job's module names this without importing the table or the scheduler.
 *
 * `seal` is needed by the questionnaire job only (closing an anonymous campaign pools its waiting answers);
 * `reach` and `emailEnabled` by the reach job only: whether the app may install itself, and email, through Graph;
 * `groupRoles` by the roles job only: Graph for reading mapped Entra groups;
 * `retention` by housekeeping only: the configured periods (the defaults when absent).
 */
export type JobContext = { store: Store; clock: Clock; orgId: string; organisation: Organisation; calendar: WorkingCalendar; logger: Logger; seal?: AnswerSeal; reach?: ReachWiring; emailEnabled?: boolean; groupRoles?: GroupRolesWiring; retention?: RetentionSettings };

export type JobResult = { job: string; at: string; skipped?: string; [figure: string]: unknown };

export type JobDefinition = {
  /** node-cron expression in the organisation's time zone. */
  cron: string;
  description: string;
  /** Skip weekends and England & Wales bank holidays. */
  workingDaysOnly: boolean;
  run: (ctx: JobContext) => Promise<Record<string, unknown>>;
};

/** Every scheduled job, by name. */
export type JobTable = Readonly<Record<string, JobDefinition>>;

/** Runs one job as at the context's clock, unless its day is not a working day and the job keeps to them. */
export async function runJobDefinition(name: string, job: JobDefinition, ctx: JobContext): Promise<JobResult> {
  const at = ctx.clock.now().toISOString();
  const day = today(ctx.clock, ctx.organisation.timeZone);
  if (job.workingDaysOnly && !ctx.calendar.isWorkingDay(day)) {
    const reason = ctx.calendar.bankHoliday(day) ?? 'weekend';
    ctx.logger.info({ job: name, day, reason }, 'job skipped: not a working day');
    return { job: name, at, skipped: `${day} is not a working day (${reason})` };
  }
  // Jobs run at Low priority and wait out throttling: card answers come first.
  const figures = await inBackground(() => job.run(ctx));
  ctx.logger.info({ job: name, day, ...figures }, 'job finished');
  return { job: name, at, ...figures };
}
