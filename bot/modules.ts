import type { FeatureModule } from '../services/kernel/module';
import { registerModules } from '../services/kernel/registry';
import { SECTION11_MODULE } from '../services/section11';
import { REVIEWS_MODULE } from '../services/reviews';

/**
 * Every feature module of the app. The hosts loop over this list: the Teams bot's card verbs and
 * typed commands (card-routes.ts), the command line's areas (cli/index.ts), the scheduler's jobs
 * (jobs.ts), the tab's reports (tab/server/routes.ts), and through the kernel's registry the event
 * bus, the outbox renderers and the store's containers. Adding a feature is one line here.
 */
export const MODULES: readonly FeatureModule[] = [SECTION11_MODULE, REVIEWS_MODULE];

registerModules(MODULES);

/**
 * The entries each module declares in one table, merged: a name two modules (or a module and the
 * kernel) both declare would make one of them unreachable, so it stops the app at start-up instead.
 */
export function mergedTable<T>(what: string, base: Record<string, T>, pick: (m: FeatureModule) => Record<string, T> | undefined): Record<string, T> {
  const table: Record<string, T> = { ...base };
  for (const m of MODULES) {
    for (const [name, entry] of Object.entries(pick(m) ?? {})) {
      if (Object.hasOwn(table, name)) throw new Error(`The ${what} "${name}" of module "${m.name}" is declared twice.`);
      table[name] = entry;
    }
  }
  return table;
}
