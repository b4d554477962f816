import { setUpRound, startRound } from './rounds';
import { WorkingCalendar } from '../scheduling/calendar';
import { actorOption, deliver, organisationOf, print, stringOption, type Command } from '../kernel/cli-command';

export const ROUND_COMMANDS: Record<string, Command> = {
  'rounds start': {
    usage: 'rounds start --by <YYYY-MM-DD> --as <administrator email> [--org <id>]',
    options: { by: { type: 'string' }, as: { type: 'string' } },
    async run(ctx) {
      const actor = await actorOption(ctx);
      const organisation = await organisationOf(ctx);
      const deps = { store: ctx.store, clock: ctx.clock };
      // The command line waits for the set-up the app's round upkeep would otherwise do within a minute.
      const round = await setUpRound(
        deps,
        await startRound(deps, { actor, dueBy: stringOption(ctx, 'by') ?? '', timeZone: organisation.timeZone, calendar: new WorkingCalendar() }),
      );
      print(`Started round ${round.id}: ${round.leads.length} leads asked to update by ${round.dueBy}.`);
      await deliver(ctx);
    },
  },
};
