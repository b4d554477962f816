import { runEscalationChecks } from '../services/escalations/triggers';
import { runReach } from '../services/reach/reach-job';
import { runGroupRoles } from '../services/people/roles-job';
import { runTrainingReminders } from '../services/training/reminders';
import { runQuestionnaires } from '../services/surveys/campaigns';
import { housekeeping } from '../services/scheduling/housekeeping';
import { runJobDefinition, type JobContext, type JobDefinition, type JobResult, type JobTable } from '../services/scheduling/job-context';

import { mergedTable } from './modules';

export type { JobContext, JobResult };

/**
 * Every scheduled job, by name: the app hands this table to the scheduler, and
 * `npm run cli -- jobs run <name> --at <instant>` runs one of them.
 */
const KERNEL_JOBS = {
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
  escalations: {
    cron: '30 8 * * 1-5',
    description: 'Opens escalations for overdue, unanswered or unreachable actions; moves unacknowledged stages up past their deadline',
    workingDaysOnly: true,
    run: runEscalationChecks,
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
} satisfies JobTable;

/** The kernel's jobs above and every feature module's (FeatureModule.jobs). */
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
