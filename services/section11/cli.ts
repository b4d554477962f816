import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../core/errors';
import { deliver, fileArg, NO_DELIVER, organisationOf, orgOf, outputReport, print, requesterOption, stringOption, type Command } from '../kernel/cli-command';
import { section11Grid, section11Rows } from './report';
import { section11Status, setChallengeEvent, startSection11Round } from './rounds';
import { addStandardSet, readStandardsFile, standardSets } from './standards';

/** `npm run cli -- s11 …`: the Section 11 self-assessment from the command line. */
export const SECTION11_COMMANDS: Record<string, Command> = {
  's11 standards list': {
    usage: 's11 standards list   (the built-in standards sets and the partnership’s own)',
    async run(ctx) {
      for (const s of await standardSets(ctx.store, orgOf(ctx)))
        print(
          `${s.key} v${s.version}: ${s.title} (${s.standards.length} standards, ${s.scale === 'rag' ? 'Red/Amber/Green' : 'Outstanding to Inadequate'}${s.builtIn ? ', built in' : ''})`,
        );
    },
  },
  's11 standards add': {
    usage: 's11 standards add <standards.yaml|standards.json>   (the partnership’s own set; refused whole if any part is wrong)',
    async run(ctx) {
      const file = fileArg(ctx, 'standards');
      const set = await addStandardSet(
        ctx.store,
        ctx.clock,
        orgOf(ctx),
        readStandardsFile(await readFile(file, 'utf8'), path.basename(file)),
        path.basename(file),
      );
      print(`Added ${set.key} v${set.version}: ${set.title}, ${set.standards.length} standards.`);
    },
  },
  's11 start': {
    usage:
      's11 start --standards <set> --closes <YYYY-MM-DD> [--agency <id> …] [--scale rag|graded] [--challenge-event <YYYY-MM-DD>] [--plan <id>] [--as <administrator email>] [--no-deliver]',
    options: {
      standards: { type: 'string' },
      closes: { type: 'string' },
      agency: { type: 'string', multiple: true },
      scale: { type: 'string' },
      'challenge-event': { type: 'string' },
      plan: { type: 'string' },
      as: { type: 'string' },
      ...NO_DELIVER,
    },
    async run(ctx) {
      const standards = stringOption(ctx, 'standards');
      const closesOn = stringOption(ctx, 'closes');
      if (!standards || !closesOn) throw new AppError('VALIDATION', 'Give --standards <set> and --closes <YYYY-MM-DD>.');
      const organisation = await organisationOf(ctx);
      const agencies = ctx.options.agency as string[] | undefined;
      const scale = stringOption(ctx, 'scale');
      const challengeEventOn = stringOption(ctx, 'challenge-event');
      const planId = stringOption(ctx, 'plan');
      const { round, withoutLead } = await startSection11Round(
        { store: ctx.store, clock: ctx.clock },
        {
          orgId: organisation.orgId,
          requester: await requesterOption(ctx),
          standards,
          closesOn,
          timeZone: organisation.timeZone,
          ...(agencies ? { agencies } : {}),
          ...(scale ? { scale } : {}),
          ...(challengeEventOn ? { challengeEventOn } : {}),
          ...(planId ? { planId } : {}),
        },
      );
      print(
        `Started Section 11 round ${round.id}: ${round.agencies.length} agencies asked for a return against ${round.standards.key} v${round.standards.version}, closing ${round.closesOn}.`,
      );
      if (withoutLead.length)
        print(`No lead to ask in: ${withoutLead.join(', ')}. Grant s11-lead (or safeguarding-lead) there: npm run cli -- roles grant <email> s11-lead.`);
      if (!ctx.options['no-deliver']) await deliver(ctx);
    },
  },
  's11 status': {
    usage: 's11 status [--round <id>] [--as <email>] [--format csv|xlsx] [--out <file>]   (who has submitted, is in progress, not started or in challenge)',
    options: { round: { type: 'string' }, as: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    async run(ctx) {
      const roundId = stringOption(ctx, 'round');
      await outputReport(
        ctx,
        await section11Status(ctx, { orgId: orgOf(ctx), requester: await requesterOption(ctx), ...(roundId ? { roundId } : {}) }),
        's11-status',
      );
    },
  },
  's11 challenge-event': {
    usage: 's11 challenge-event <YYYY-MM-DD> [--as <email>]   (the open round’s challenge event)',
    options: { as: { type: 'string' } },
    async run(ctx) {
      const organisation = await organisationOf(ctx);
      const round = await setChallengeEvent(
        { store: ctx.store, clock: ctx.clock },
        { orgId: organisation.orgId, requester: await requesterOption(ctx), on: ctx.args[0] ?? '', timeZone: organisation.timeZone },
      );
      print(`The challenge event of Section 11 round ${round.id} is on ${round.challengeEventOn}.`);
    },
  },
  's11 report': {
    usage:
      's11 report [--round <id>] [--as <email>] [--format csv|xlsx] [--out <file>]   (printed: the grid by agency and standard; as a file: one row per agency and standard)',
    options: { round: { type: 'string' }, as: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    async run(ctx) {
      const roundId = stringOption(ctx, 'round');
      const input = { orgId: orgOf(ctx), requester: await requesterOption(ctx), ...(roundId ? { roundId } : {}) };
      const toFile = stringOption(ctx, 'format') !== undefined || stringOption(ctx, 'out') !== undefined;
      await outputReport(ctx, toFile ? await section11Rows(ctx, input) : await section11Grid(ctx, input), 's11-report');
    },
  },
};
