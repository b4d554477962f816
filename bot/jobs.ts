import { runGroupRoles } from '../services/reach/roles-job';
import { removeExpiredSlots } from '../services/scheduling/housekeeping';
import { runJobDefinition, type JobContext as JobContextOf, type JobDefinition, type JobResult, type JobTable } from '../services/scheduling/job-context';
import type { ReachWiring } from '../services/reach/setup';
import type { GroupRolesWiring } from '../services/reach/group-roles';
import type { AnswerSeal } from '../services/surveys/seal';
import { applyRetention } from '../services/retention/housekeeping';
import { DEFAULT_RETENTION, type RetentionSettings } from '../services/store/retention-schedule';
import { rebuildTrainingSummaries } from '../services/training/summaries';

import { mergedTable } from './modules';

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
 * The app's own jobs: roles from mapped Entra groups (Graph wiring the app holds) and the daily
 * housekeeping across areas. Every feature's jobs come from its module (FeatureModule.jobs).
 */
const KERNEL_JOBS = {
  roles: {
    cron: '0 7 * * 1-5',
    description:
      'Gives and takes the roles of Entra groups mapped to roles (roles map), from each group’s transitive members, before reach and reminders (needs the bot’s identity and GroupMember.Read.All)',
    workingDaysOnly: true,
    run: runGroupRoles,
  },
  housekeeping: {
    cron: '30 3 * * *',
    description:
      'Daily: applies the retention schedule (message content after 30 days, delivery records after 180, and the rest as configured), removes expired scheduler slots, and mends any stale training summary',
    workingDaysOnly: false,
    run: housekeeping,
  },
} satisfies JobTable<AppJobDeps>;

/**
 * Every scheduled job, by name: the app hands this table to the scheduler, and
 * `npm run cli -- jobs run <name> --at <instant>` runs one of them.
 */
export const JOBS: JobTable<AppJobDeps> = mergedTable('job', KERNEL_JOBS, (m) => m.jobs);

export type JobName = string;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** Runs one of the app's jobs now, as at the context's clock (the scheduler, the CLI and tests all come here). */
export function runJob(name: JobName, ctx: JobContext): Promise<JobResult> {
  const job: JobDefinition<AppJobDeps> = JOBS[name]!;
  return runJobDefinition(name, job, ctx);
}
