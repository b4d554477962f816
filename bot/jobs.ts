import { runGroupRoles } from '../services/people/roles-job';
import { housekeeping } from '../services/scheduling/housekeeping';
import { runJobDefinition, type JobContext, type JobDefinition, type JobResult, type JobTable } from '../services/scheduling/job-context';

import { mergedTable } from './modules';

export type { JobContext, JobResult };

/**
 * The app's own jobs: roles from mapped Entra groups (Graph wiring the app holds) and the daily
 * housekeeping across areas. Every feature's jobs come from its module (FeatureModule.jobs).
 */
const KERNEL_JOBS = {
  roles: {
    cron: '0 7 * * 1-5',
    description: 'Gives and takes the roles of Entra groups mapped to roles (roles map), from each group’s transitive members, before reach and reminders (needs the bot’s identity and GroupMember.Read.All)',
    workingDaysOnly: true,
    run: runGroupRoles,
  },
  housekeeping: {
    cron: '30 3 * * *',
    description: 'Daily: applies the retention schedule (message content after 30 days, delivery records after 180, and the rest as configured), removes expired scheduler slots, and mends any stale training summary',
    workingDaysOnly: false,
    run: housekeeping,
  },
} satisfies JobTable;

/**
 * Every scheduled job, by name: the app hands this table to the scheduler, and
 * `npm run cli -- jobs run <name> --at <instant>` runs one of them.
 */
export const JOBS: JobTable = mergedTable('job', KERNEL_JOBS, (m) => m.jobs);

export type JobName = string;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** Runs one of the app's jobs now, as at the context's clock (the scheduler, the CLI and tests all come here). */
export function runJob(name: JobName, ctx: JobContext): Promise<JobResult> {
  const job: JobDefinition = JOBS[name]!;
  return runJobDefinition(name, job, ctx);
}
