import { inviteCard, inviteEmail } from '../../cards/surveys/views';
import type { FeatureModule } from '../kernel/module';
import { runQuestionnaires } from './campaigns';
import { SURVEY_COMMANDS, SURVEY_ROUTES } from './teams';

/** Questionnaires: campaigns sent, answered on cards (anonymously or not), chased, closed, and their results. */
export const surveysModule = {
  name: 'surveys',
  cardRoutes: SURVEY_ROUTES,
  textCommands: SURVEY_COMMANDS,
  storedMessages: { 'questionnaire-invite': { card: inviteCard, email: inviteEmail } },
  cli: { survey: async () => (await import('./cli.js')).SURVEY_COMMANDS },
  jobs: {
    questionnaires: {
      cron: '0 8-17 * * 1-5',
      description: 'Hourly: starts scheduled questionnaires and training follow-ups, chases non-responders from 10:00, closes finished campaigns',
      workingDaysOnly: true,
      run: runQuestionnaires,
    },
  },
} satisfies FeatureModule;
