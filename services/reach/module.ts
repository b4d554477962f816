import type { FeatureModule } from '../kernel/module';
import { runReach } from './reach-job';
import { REACH_COMMANDS } from './teams';

/**
 * Reach: how each person gets their messages (their own choice in Teams), and the job that
 * installs the app for those the bot cannot message yet. Who is reached is also a delivery
 * command (`delivery reach`), listed with the operator's delivery tools.
 */
export const reachModule = {
  name: 'reach',
  textCommands: REACH_COMMANDS,
  jobs: {
    reach: {
      cron: '0 8 * * 1-5',
      description: 'Installs the app through Graph for directory people the bot cannot message yet, before the day’s reminders (needs TEAMS_CATALOG_APP_ID)',
      workingDaysOnly: true,
      run: runReach,
    },
  },
} satisfies FeatureModule;
