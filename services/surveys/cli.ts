import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../services/core/errors';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { createCampaign, describeAudience, describePool, followUpRules, listCampaigns, removeFollowUp, setFollowUp } from '../../services/surveys/campaigns';
import { MIN_GROUP } from '../../services/core/figures';
import type { Audience } from '../../services/surveys/model';
import { addQuestionnaire, questionnaires, readQuestionnaireFile } from '../../services/surveys/questionnaires';
import { campaignResults, resultsReport } from '../../services/surveys/results';
import { OPERATOR } from '../../services/access/policy';
import {
  actorOption,
  auditCommand,
  countOption,
  deliver,
  fileArg,
  NO_DELIVER,
  orgOf,
  organisationOf,
  outputReport,
  print,
  stringOption,
  TABLE_OPTIONS,
  type CliContext,
  type Command,
} from '../kernel/cli-command';

/** `everyone`, `department=Children's Services`, `role=Social Worker` or `course=SG-GEN:2026-01-01..2026-03-31`. */
function audienceOption(ctx: CliContext): Audience {
  const text = (stringOption(ctx, 'audience') ?? '').trim();
  if (text === 'everyone') return { type: 'everyone' };
  const [kind, ...rest] = text.split('=');
  const value = rest.join('=').trim();
  if (kind === 'department' && value) return { type: 'department', department: value };
  if (kind === 'role' && value) return { type: 'role', jobTitle: value };
  const course = kind === 'course' ? value.match(/^([A-Za-z0-9-]+):(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/) : null;
  if (course) return { type: 'course', courseCode: course[1]!, completedFrom: course[2]!, completedTo: course[3]! };
  throw new AppError('VALIDATION', '--audience must be everyone, department=<name>, role=<job title> or course=<CODE>:<from>..<to>.');
}

export const SURVEY_COMMANDS: Record<string, Command> = {
  'survey list': {
    usage: 'survey list [--org <id>]   (questionnaires that can be sent, campaigns, automatic follow-ups)',
    async run(ctx) {
      const orgId = orgOf(ctx);
      print('Questionnaires:');
      for (const q of await questionnaires(ctx.store, orgId))
        print(`  ${q.key} v${q.version}${q.builtIn ? ' (built in)' : ''}: ${q.title}, ${q.questions.length} questions`);
      print('Campaigns:');
      for (const c of await listCampaigns(ctx.store, orgId))
        print(
          `  ${c.id} ${c.status}: "${c.title}" to ${describeAudience(c.audience)}; ${c.invited} asked; closes ${c.closesOn}${c.anonymous ? '; anonymous' : ''}`,
        );
      print('Automatic follow-ups:');
      for (const r of await followUpRules(ctx.store, orgId))
        print(
          `  ${r.courseCode}: ${r.questionnaire.key} ${r.afterDays} days after completion, ${describePool(r)}, open ${r.openDays} working days${r.anonymous ? ', anonymous' : ''}`,
        );
    },
  },
  'survey add': {
    usage: 'survey add <questionnaire.json|questionnaire.yaml> [--org <id>]   (a new questionnaire, or a new version of one)',
    async run(ctx) {
      const file = fileArg(ctx, 'questionnaire');
      const q = await addQuestionnaire(ctx.store, ctx.clock, orgOf(ctx), readQuestionnaireFile(await readFile(file, 'utf8'), path.basename(file)));
      print(`Added questionnaire ${q.key} version ${q.version}: ${q.questions.length} questions.`);
    },
  },
  'survey send': {
    usage:
      'survey send <questionnaire> --as <email> --audience everyone|department=<name>|role=<job title>|course=<CODE>:<from>..<to> --closes <YYYY-MM-DD> [--at <ISO instant>] [--anonymous] [--chasers <0-5>] [--title <text>] [--no-deliver] [--org <id>]',
    options: {
      as: { type: 'string' },
      audience: { type: 'string' },
      closes: { type: 'string' },
      at: { type: 'string' },
      anonymous: { type: 'boolean' },
      chasers: { type: 'string' },
      title: { type: 'string' },
      ...NO_DELIVER,
    },
    async run(ctx) {
      const actor = await actorOption(ctx);
      const organisation = await organisationOf(ctx);
      const chasers = countOption(ctx, 'chasers');
      const campaign = await createCampaign(
        { store: ctx.store, clock: ctx.clock, calendar: new WorkingCalendar() },
        {
          actor,
          timeZone: organisation.timeZone,
          data: {
            questionnaire: ctx.args[0] ?? '',
            audience: audienceOption(ctx),
            closesOn: stringOption(ctx, 'closes') ?? '',
            anonymous: !!ctx.options.anonymous,
            ...(ctx.options.at ? { sendAt: ctx.options.at } : {}),
            ...(chasers === undefined ? {} : { maxChasers: chasers }),
            ...(ctx.options.title ? { title: ctx.options.title } : {}),
          },
        },
      );
      print(campaign.status === 'open' ? `Sent ${campaign.id} to ${campaign.invited} people.` : `Scheduled ${campaign.id} for ${campaign.sendAt}.`);
      if (campaign.status === 'open' && !ctx.options['no-deliver']) await deliver(ctx);
    },
  },
  'survey results': {
    usage: 'survey results <campaign> [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]',
    options: TABLE_OPTIONS,
    async run(ctx) {
      const id = ctx.args[0] ?? '';
      const results = await campaignResults(ctx, orgOf(ctx), id, OPERATOR);
      await outputReport(ctx, resultsReport(results), `survey-results-${id}`);
      // Named results say who answered what; anonymous ones cannot, so only the first are a read of personal data.
      if (!results.campaign.anonymous) auditCommand(ctx, OPERATOR, { kind: 'questionnaire-results', id });
    },
  },
  'survey follow-up': {
    usage:
      'survey follow-up <COURSE> [--after <days, default 90>] [--pool-months <1|2|3|4|6|12, default 1>] [--questionnaire <key>] [--named] [--chasers <0-5>] [--off] [--org <id>]',
    options: {
      after: { type: 'string' },
      'pool-months': { type: 'string' },
      questionnaire: { type: 'string' },
      named: { type: 'boolean' },
      chasers: { type: 'string' },
      off: { type: 'boolean' },
    },
    async run(ctx) {
      const course = ctx.args[0] ?? '';
      if (ctx.options.off) {
        print(
          (await removeFollowUp(ctx.store, orgOf(ctx), course)) ? `Automatic follow-up for ${course} turned off.` : `${course} had no automatic follow-up.`,
        );
        return;
      }
      const after = countOption(ctx, 'after');
      const chasers = countOption(ctx, 'chasers');
      const poolMonths = countOption(ctx, 'pool-months');
      const rule = await setFollowUp(ctx.store, orgOf(ctx), {
        courseCode: course,
        ...(after === undefined ? {} : { afterDays: after }),
        ...(ctx.options.questionnaire ? { questionnaire: ctx.options.questionnaire } : {}),
        ...(chasers === undefined ? {} : { maxChasers: chasers }),
        ...(poolMonths === undefined ? {} : { poolMonths }),
        anonymous: !ctx.options.named,
      });
      print(
        `${rule.courseCode} completions get "${rule.questionnaire.key}" ${rule.afterDays} days later (on the next working day), ${describePool(rule)}, open ${rule.openDays} working days${rule.anonymous ? `, anonymous; a pool of fewer than ${MIN_GROUP} waits for the next` : ''}.`,
      );
    },
  },
};
