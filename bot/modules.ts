import type { FeatureModule } from '../services/kernel/module';
import { registerModules } from '../services/kernel/registry';
import { actionsModule } from '../services/actions/module';
import { planModule } from '../services/plan/module';
import { roundsModule } from '../services/rounds/module';
import { trainingModule } from '../services/training/module';
import { escalationsModule } from '../services/escalations/module';
import { surveysModule } from '../services/surveys/module';
import { reachModule } from '../services/reach/module';
import { partnershipModule } from '../services/partnership/module';
import { peopleModule } from '../services/people/module';
import { SECTION11_MODULE } from '../services/section11';
import { REVIEWS_MODULE } from '../services/reviews';

/**
 * Every feature module of the app. The hosts loop over this list: the Teams bot's card verbs and
 * typed commands (card-routes.ts), the command line's areas (cli/index.ts), the scheduler's jobs
 * (jobs.ts), the tab's reports (tab/server/routes.ts), and through the kernel's registry the event
 * bus, the outbox renderers and the store's containers. Adding a feature is one line here.
 */
const LIST = [
  // The order is the order typed commands are matched in (the first whose pattern matches wins),
  // listed in the help card, and each module's event handlers run in.
  actionsModule,
  planModule,
  roundsModule,
  trainingModule,
  escalationsModule,
  surveysModule,
  reachModule,
  partnershipModule,
  peopleModule,
  SECTION11_MODULE,
  REVIEWS_MODULE,
] as const;

export const MODULES: readonly FeatureModule[] = LIST;

/** The card verbs every module's routes declare, as a type: a verb typed wrong in code is a compile error (templates are checked by test/cards/actions.test.ts). */
export type ModuleVerb = VerbsOf<(typeof LIST)[number]>;
type VerbsOf<M> = M extends { cardRoutes: infer R } ? keyof R & string : never;

registerModules(MODULES);

/** The app's event bus, with every module's handlers: importing it from here registers the modules first. */
export { domainEvents } from '../services/events/handlers';

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
