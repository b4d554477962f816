import { FixedClock } from '../../services/core/clock';
import { AppError } from '../../services/core/errors';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { groupRolesFromConfig, reachFromConfig } from '../../services/reach/setup';
import { loadAnswerSeal } from '../../services/surveys/seal';
import { retentionFromConfig } from '../../services/store/retention-schedule';
import { isJobName, JOBS, runJob } from '../jobs';
import { cliLogger, deliver, instantOption, NO_DELIVER, orgOf, organisationOf, print, type Command } from '../../services/kernel/cli-command';

export const JOB_COMMANDS: Record<string, Command> = {
  'jobs list': {
    usage: 'jobs list',
    async run() {
      const jobs = Object.entries(JOBS);
      // Columns as wide as the longest name and schedule, so a module's longer job name does not push its row out of line.
      const nameWidth = Math.max(...jobs.map(([name]) => name.length));
      const cronWidth = Math.max(...jobs.map(([, job]) => job.cron.length));
      for (const [name, job] of jobs) print(`${name.padEnd(nameWidth)}  ${job.cron.padEnd(cronWidth)}  ${job.description}`);
    },
  },
  'jobs run': {
    usage: 'jobs run <job> [--at <ISO instant>] [--org <id>] [--no-deliver]',
    options: { at: { type: 'string' }, ...NO_DELIVER },
    async run(ctx) {
      const name = ctx.args[0] ?? '';
      if (!isJobName(name)) throw new AppError('VALIDATION', `Unknown job "${name}". Jobs: ${Object.keys(JOBS).join(', ')}.`);
      const clock = new FixedClock(instantOption(ctx));
      const organisation = await organisationOf(ctx, clock);
      const reach = reachFromConfig(ctx.config);
      const groupRoles = groupRolesFromConfig(ctx.config);
      const result = await runJob(name, {
        store: ctx.store,
        clock,
        orgId: orgOf(ctx),
        organisation,
        calendar: new WorkingCalendar(),
        logger: cliLogger(ctx.config),
        seal: loadAnswerSeal(ctx.config),
        ...(reach ? { reach } : {}),
        ...(groupRoles ? { groupRoles } : {}),
        emailEnabled: !!ctx.config.MAIL_SENDER,
        retention: retentionFromConfig(ctx.config),
      });
      print(JSON.stringify(result));
      if (!ctx.options['no-deliver']) await deliver(ctx);
    },
  },
};
