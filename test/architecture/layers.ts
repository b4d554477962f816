import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../services/core/paths';

/**
 * The layers of the shipped code, declared once. Each layer may import its own and those below it,
 * never one above; `test/architecture/imports.test.ts` holds the code to this map.
 *
 * - kernel: what every feature stands on and which knows no feature. core (config, errors, clock,
 *   figures, the identifying-detail scanner), the store port and its adapters (with the containers
 *   and their retention schedule), people, organisation (model, agencies, settings), the access
 *   policy, the audit log, the event bus, the module contract (services/kernel), and conversations:
 *   the record of where each person and channel can be reached, which people's links and leave
 *   read as plain data.
 * - engine: machinery that runs features' work without knowing them: the outbox and its sender
 *   (told of lost channels through a port the app wires), and the scheduler (jobs and their deps
 *   come from the app through a generic JobContext).
 * - cards: the kernel's cards (cards/*.ts and cards/templates): the renderer every card goes through,
 *   the shared cards (notices, facts, help, welcome, the report card) and list paging, and the message
 *   renderer. They know the outbound messages, not the features: every kind but a notice is rendered
 *   by the module that declares it, through the registry of message kinds.
 * - contract: the feature-module contract and the hosts' contexts (services/kernel): what a feature
 *   declares, and what its routes and commands are given. It stands on the engine (jobs) and cards.
 * - features: every other services/<area>, with its own card templates and fillers in
 *   cards/<feature>/ (the same area). A feature reaches another only through that feature's
 *   index.ts, its public face; dashboard holds the read models over several features. A kernel
 *   area's own Teams and command-line surface (people: teams.ts, cli.ts, module.ts) is a feature.
 * - composition: code that knows many features in order to join them: the data migrations (they
 *   convert features' records, so they run from the app's start, not from the store) and the one
 *   list of domain-event handlers.
 * - hosts: the Teams host and the command line (bot/), the tab's server, and the app package.
 */
export const LAYER_ORDER = ['kernel', 'engine', 'cards', 'contract', 'features', 'composition', 'hosts'] as const;
export type Layer = (typeof LAYER_ORDER)[number];

/** Path prefixes (folders end in /), the longest match wins; a services/<area>/ not named here is a feature. */
export const LAYERS: Readonly<Record<string, Layer>> = {
  'services/core/': 'kernel',
  'services/store/': 'kernel',
  'services/people/': 'kernel',
  'services/organisation/': 'kernel',
  'services/access/': 'kernel',
  'services/audit/': 'kernel',
  'services/events/': 'kernel',
  'services/kernel/': 'contract',
  // The registry of feature message kinds is part of the outbox: delivery and the renderers read it.
  'services/kernel/message-kinds.ts': 'engine',
  'services/conversations/': 'kernel',
  'services/delivery/': 'engine',
  'services/scheduling/': 'engine',
  'services/migrations/': 'composition',
  'services/events/handlers.ts': 'composition',
  'bot/': 'hosts',
  'tab/server/': 'hosts',
  'cards/': 'cards',
  'services/people/teams.ts': 'features',
  'services/people/cli.ts': 'features',
  'services/people/roles-cli.ts': 'features',
  'services/people/module.ts': 'features',
  'manifest/': 'hosts',
};

/** A shipped file's layer and area (its folder: services/<area>, or the host's top folder); undefined for what is not ours. */
export function placeOf(file: string): { layer: Layer; area: string } | undefined {
  const prefix = Object.keys(LAYERS)
    .filter((p) => file.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  // A feature's own cards (cards/<feature>/…) are part of that feature.
  const featureCards = /^cards\/([^/]+)\//.exec(file);
  if (featureCards && featureCards[1] !== 'templates') return { layer: 'features', area: `services/${featureCards[1]}` };
  const area = file.startsWith('services/') ? file.split('/').slice(0, 2).join('/') : file.startsWith('tab/server/') ? 'tab/server' : file.split('/')[0]!;
  if (prefix) return { layer: LAYERS[prefix]!, area };
  if (/^services\/[^/]+\//.test(file)) return { layer: 'features', area };
  return undefined;
}

export const rank = (layer: Layer) => LAYER_ORDER.indexOf(layer);

/** Every .ts/.tsx file under `dir` (relative to the project root, with / separators). */
export async function sourceFiles(dir: string): Promise<string[]> {
  const root = projectRoot();
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
      return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
    }),
  );
  return nested.flat();
}
