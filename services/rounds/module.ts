import { roundSummaryCard, roundSummaryEmail } from '../../cards/rounds/cards';
import type { FeatureModule } from '../kernel/module';
import { chaseRounds, noteRoundAnswer } from './rounds';
import { ROUND_TEXT_COMMANDS } from './teams';

/** Update rounds: started in Teams or at the command line, chased by a job, and brought up to date by each answer. */
export const roundsModule = {
  name: 'rounds',
  textCommands: ROUND_TEXT_COMMANDS,
  storedMessages: { 'round-summary': { card: roundSummaryCard, email: roundSummaryEmail } },
  cli: { rounds: async () => (await import('./cli.js')).ROUND_COMMANDS },
  jobs: {
    'round-chasers': {
      cron: '0 10 * * 1-5',
      description: 'Chasers to leads who have not answered an open update round; refreshes each round’s summary',
      workingDaysOnly: true,
      run: chaseRounds,
    },
  },
  // An answer may complete a lead's part of an update round.
  events: (bus) => void bus.on('ActionUpdated', (event, ctx) => noteRoundAnswer(ctx, event.action)),
} satisfies FeatureModule;
