import { today } from '../core/dates';
import { runEscalationChecks } from '../escalations/triggers';
import { runReach } from '../reach/reach-job';
import { runDailyReminders } from '../reminders/daily-reminders';
import { chaseRounds } from '../rounds/rounds';
import { runTrainingReminders } from '../training/reminders';
import { runQuestionnaires } from '../surveys/campaigns';
import { housekeeping } from './housekeeping';

import type { JobContext, JobResult } from './job-context';

export type { JobContext, JobResult };

type JobDefinition = {
  /** node-cron expression in the organisation's time zone. */
  cron: string;
  description: string;
  /** Skip weekends and England & Wales bank holidays. */
  workingDaysOnly: boolean;
  run: (ctx: JobContext) => Promise<Record<string, unknown>>;
};

/** Every scheduled job, by name. `npm run cli -- jobs run <name> --at <instant>` runs one of these. */
export const JOBS = {
  reach: {
    cron: '0 8 * * 1-5',
    description: 'Installs the app through Graph for directory people the bot cannot message yet, before the day’s reminders (needs TEAMS_CATALOG_APP_ID)',
    workingDaysOnly: true,
    run: runReach,
  },
  'daily-reminders': {
    cron: '0 9 * * 1-5',
    description: 'Due-date reminders and overdue chasers, one digest per owner',
    workingDaysOnly: true,
    run: runDailyReminders,
  },
  escalations: {
    cron: '30 8 * * 1-5',
    description: 'Opens escalations for overdue, unanswered or unreachable actions; moves unacknowledged stages up past their deadline',
    workingDaysOnly: true,
    run: runEscalationChecks,
  },
  'round-chasers': {
    cron: '0 10 * * 1-5',
    description: 'Chasers to leads who have not answered an open update round; refreshes each round’s summary',
    workingDaysOnly: true,
    run: chaseRounds,
  },
  'training-reminders': {
    cron: '15 9 * * 1-5',
    description: 'Weekly on the first working day: expired or expiring training to each person, and a digest to their manager',
    workingDaysOnly: true,
    run: runTrainingReminders,
  },
  questionnaires: {
    cron: '0 8-17 * * 1-5',
    description: 'Hourly: starts scheduled questionnaires and training follow-ups, chases non-responders from 10:00, closes finished campaigns',
    workingDaysOnly: true,
    run: runQuestionnaires,
  },
  housekeeping: {
    cron: '30 3 * * 0',
    description: 'Removes expired scheduler slots and delivered outbox items older than 90 days, and mends any stale training summary',
    workingDaysOnly: false,
    run: housekeeping,
  },
} satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof JOBS;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

export async function runJob(name: JobName, ctx: JobContext): Promise<JobResult> {
  const job: JobDefinition = JOBS[name];
  const at = ctx.clock.now().toISOString();
  const day = today(ctx.clock, ctx.organisation.timeZone);
  if (job.workingDaysOnly && !ctx.calendar.isWorkingDay(day)) {
    const reason = ctx.calendar.bankHoliday(day) ?? 'weekend';
    ctx.logger.info({ job: name, day, reason }, 'job skipped: not a working day');
    return { job: name, at, skipped: `${day} is not a working day (${reason})` };
  }
  const figures = await job.run(ctx);
  ctx.logger.info({ job: name, day, ...figures }, 'job finished');
  return { job: name, at, ...figures };
}
