import { digestCard, digestEmail } from '../../cards/actions/cards';
import type { FeatureModule } from '../kernel/module';
import { runDailyReminders } from '../reminders';
import { ACTION_COMMANDS, ACTION_ROUTES } from './teams';

/**
 * The action plan as people work it in Teams: their actions, the update card, reminders and their
 * digest, snoozing, and leave cover. It stands on the plan, updates and reminders, which have no
 * surface of their own (every card they send or answer is an action's), so none of them need know
 * the others' routes.
 */
export const actionsModule = {
  name: 'actions',
  cardRoutes: ACTION_ROUTES,
  textCommands: ACTION_COMMANDS,
  // The plan declares the digest (services/plan/messages.ts); reminders and rounds queue it; its card is an action's.
  storedMessages: {
    'reminder-digest': { card: (message) => digestCard(message, 0), email: digestEmail, notifies: (message) => message.dueToday === true },
  },
  jobs: {
    'daily-reminders': {
      cron: '0 9 * * 1-5',
      description: 'Due-date reminders and overdue chasers, one digest per owner',
      workingDaysOnly: true,
      run: runDailyReminders,
    },
  },
} satisfies FeatureModule;
