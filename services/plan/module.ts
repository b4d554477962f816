import type { FeatureModule } from '../kernel/module';

/** The action plan itself: importing and exporting it at the command line. Working it in Teams is the actions module's. */
export const planModule = {
  name: 'plan',
  cli: { plan: async () => (await import('./cli.js')).PLAN_COMMANDS },
} satisfies FeatureModule;
