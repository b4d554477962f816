import type { FeatureModule } from '../kernel/module';
import { runTrainingReminders } from './reminders';
import { onLeadAgencyChosen } from './agency-stamp';
import { TRAINING_COMMANDS, TRAINING_ROUTES } from './teams';

/** Safeguarding training: people's own records and self-reports, HR's verification and imports, the rates and who is overdue. */
export const trainingModule = {
  name: 'training',
  cardRoutes: TRAINING_ROUTES,
  textCommands: TRAINING_COMMANDS,
  cli: { training: async () => (await import('./cli.js')).TRAINING_COMMANDS },
  jobs: {
    'training-reminders': {
      cron: '15 9 * * 1-5',
      description: 'Weekly on the first working day: expired or expiring training to each person, and a digest to their manager',
      workingDaysOnly: true,
      run: runTrainingReminders,
    },
  },
  // A partnership's first lead agency takes its training records with no agency, as it took its people.
  events: (bus) => void bus.on('LeadAgencyChosen', onLeadAgencyChosen),
} satisfies FeatureModule;
