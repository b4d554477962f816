import type { FeatureModule } from '../kernel/module';
import { PARTNERSHIP_COMMANDS } from './teams';

/** The partnership board's roll-up of every agency's figures. */
export const partnershipModule: FeatureModule = {
  name: 'partnership',
  textCommands: PARTNERSHIP_COMMANDS,
  cli: { partnership: async () => (await import('./cli.js')).PARTNERSHIP_COMMANDS },
};
