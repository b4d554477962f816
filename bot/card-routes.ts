import type { AdaptiveCardJson } from '../cards/render';
import { helpCard } from '../cards/views';
import type { CardRoute, TextCommand } from '../services/kernel/route-context';
import { REPORT_COMMAND } from './routes/reports';
import { MODULES, mergedTable, type ModuleVerb } from './modules';

export type { RouteContext } from '../services/kernel/route-context';

const HELP_COMMAND: TextCommand = {
  scope: 'anywhere',
  pattern: /^(help|\?|hi|hello)$/i,
  example: 'help',
  description: 'Everything the bot can do, and which commands also work in a channel.',
  menu: 10,
  run: async () => commandHelpCard(),
};

/**
 * Typed commands, matched in order: the one table the router, the help card and the Teams
 * manifest's command menus are built from. Help first, then each feature module's in the
 * modules' order, and last `report <name>`, which would otherwise take "report training".
 */
export const TEXT_COMMANDS: TextCommand[] = [HELP_COMMAND, ...MODULES.flatMap((m) => m.textCommands ?? []), REPORT_COMMAND];

/** The command a typed text runs: the first in the table whose pattern matches it. */
export function findCommand(text: string, commands: TextCommand[] = TEXT_COMMANDS): { command: TextCommand; match: RegExpMatchArray } | undefined {
  for (const command of commands) {
    const match = text.match(command.pattern);
    if (match) return { command, match };
  }
  return undefined;
}

/** The help card, listing every typed command in the table and saying which of them answer in a channel. */
export function commandHelpCard(notice = '', commands: TextCommand[] = TEXT_COMMANDS): AdaptiveCardJson {
  return helpCard(
    commands.map((c) => ({ command: c.example, meaning: c.description, inChannel: c.scope === 'anywhere' })),
    notice,
  );
}

/**
 * The one place a card verb meets a use case: the host's own verb and each feature module's
 * (FeatureModule.cardRoutes). Card data is untrusted: each route parses what it needs and the use
 * case authorises the acting user against stored records.
 */
/** Every card verb: the host's own and each module's. */
export type Verb = 'help.show' | ModuleVerb;

export const CARD_ROUTES: Record<string, CardRoute> = mergedTable(
  'card verb',
  {
    'help.show': { scope: 'anywhere', run: async () => commandHelpCard() },
  },
  (m) => m.cardRoutes,
);
