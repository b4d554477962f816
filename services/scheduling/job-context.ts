import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Organisation } from '../organisation/model';
import type { Store } from '../store/ports';
import { today } from '../core/dates';
import type { WorkingCalendar } from './calendar';
import { inBackground } from '../store/request-priority';

/**
 * What every scheduled job is given: the store, the slot's clock, the organisation read once for the
 * run (it is the partnership too), the working calendar and a logger; and `Deps`, what the app wires
 * for its jobs (bot/jobs.ts), which the scheduler hands over without knowing it. A job names only the
 * deps it reads, e.g. `JobContext<{ seal?: AnswerSeal }>`, so the scheduler imports no feature.
 */
export type JobContext<Deps extends object = object> = {
  store: Store;
  clock: Clock;
  orgId: string;
  organisation: Organisation;
  calendar: WorkingCalendar;
  logger: Logger;
} & Deps;

export type JobResult = { job: string; at: string; skipped?: string; [figure: string]: unknown };

export type JobDefinition<Deps extends object = object> = {
  /** node-cron expression in the organisation's time zone. */
  cron: string;
  description: string;
  /** Skip weekends and England & Wales bank holidays. */
  workingDaysOnly: boolean;
  run: (ctx: JobContext<Deps>) => Promise<Record<string, unknown>>;
};

/** Every scheduled job, by name. */
export type JobTable<Deps extends object = object> = Readonly<Record<string, JobDefinition<Deps>>>;

/** Runs one job as at the context's clock, unless its day is not a working day and the job keeps to them. */
export async function runJobDefinition<Deps extends object>(name: string, job: JobDefinition<Deps>, ctx: JobContext<Deps>): Promise<JobResult> {
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
