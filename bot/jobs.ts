import { runEscalationChecks } from '../services/escalations/triggers';
import { runReach } from '../services/reach/reach-job';
import { runGroupRoles } from '../services/reach/roles-job';
import { runDailyReminders } from '../services/reminders/daily-reminders';
import { chaseRounds } from '../services/rounds/rounds';
import { runTrainingReminders } from '../services/training/reminders';
import { runQuestionnaires } from '../services/surveys/campaigns';
import { removeExpiredSlots } from '../services/scheduling/housekeeping';
import { runJobDefinition, type JobContext as JobContextOf, type JobDefinition, type JobResult, type JobTable } from '../services/scheduling/job-context';
import type { ReachWiring } from '../services/reach/setup';
import type { GroupRolesWiring } from '../services/reach/group-roles';
import type { AnswerSeal } from '../services/surveys/seal';
import { applyRetention } from '../services/retention/housekeeping';
import { DEFAULT_RETENTION, type RetentionSettings } from '../services/store/retention-schedule';
import { rebuildTrainingSummaries } from '../services/training/summaries';

export type { JobResult };

/**
 * What the app wires for its jobs, beyond what every job gets (store, clock, organisation, calendar, logger):
 * `seal` for the questionnaire job (closing an anonymous campaign pools its waiting answers);
 * `reach` and `emailEnabled` for the reach job: whether the app may install itself, and email, through Graph;
 * `groupRoles` for the roles job: Graph for reading mapped Entra groups;
 * `retention` for housekeeping: the configured periods (the defaults when absent).
 */
export type AppJobDeps = { seal?: AnswerSeal; reach?: ReachWiring; emailEnabled?: boolean; groupRoles?: GroupRolesWiring; retention?: RetentionSettings };
export type JobContext = JobContextOf<AppJobDeps>;

/** Daily upkeep across areas: the scheduler's expired slots, the retention schedule, and the catch-up for training summaries. */
async function housekeeping(ctx: JobContext): Promise<Record<string, unknown>> {
  const expiredSlots = await removeExpiredSlots(ctx);
  const removed = await applyRetention(ctx, ctx.orgId, ctx.retention ?? DEFAULT_RETENTION);
  // Every write keeps training summaries in step; this mends any that a failure left behind.
  const summaries = await rebuildTrainingSummaries(ctx.store, ctx.orgId);
  return { expiredSlots, removed, trainingSummariesMended: summaries.written + summaries.removed };
}

/**
 * Every scheduled job, by name: the app hands this table to the scheduler, and
 * `npm run cli -- jobs run <name> --at <instant>` runs one of them.
 */
export const JOBS = {
  roles: {
    cron: '0 7 * * 1-5',
    description: 'Gives and takes the roles of Entra groups mapped to roles (roles map), from each group’s transitive members, before reach and reminders (needs the bot’s identity and GroupMember.Read.All)',
    workingDaysOnly: true,
    run: runGroupRoles,
  },
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
    cron: '30 3 * * *',
    description: 'Daily: applies the retention schedule (message content after 30 days, delivery records after 180, and the rest as configured), removes expired scheduler slots, and mends any stale training summary',
    workingDaysOnly: false,
    run: housekeeping,
  },
} satisfies JobTable<AppJobDeps>;

export type JobName = keyof typeof JOBS;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** Runs one of the app's jobs now, as at the context's clock (the scheduler, the CLI and tests all come here). */
export function runJob(name: JobName, ctx: JobContext): Promise<JobResult> {
  const job: JobDefinition<AppJobDeps> = JOBS[name];
  return runJobDefinition(name, job, ctx);
}
