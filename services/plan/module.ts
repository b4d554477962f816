import type { FeatureModule } from '../kernel/module';
import { runDailyReminders } from '../reminders/daily-reminders';
import { ACTION_COMMANDS, ACTION_ROUTES } from './teams';

/**
 * The action plan as people work it: their actions, the update card, reminders and their digest,
 * snoozing, and leave cover. Updates and reminders have no surface of their own: every card they
 * send or answer is an action's, so they are declared here with the plan.
 */
export const planModule = {
  name: 'plan',
  cardRoutes: ACTION_ROUTES,
  textCommands: ACTION_COMMANDS,
  cli: { plan: async () => (await import('./cli.js')).PLAN_COMMANDS },
  jobs: {
    'daily-reminders': {
      cron: '0 9 * * 1-5',
      description: 'Due-date reminders and overdue chasers, one digest per owner',
      workingDaysOnly: true,
      run: runDailyReminders,
    },
  },
} satisfies FeatureModule;
