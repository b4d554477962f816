import type { FeatureModule } from '../kernel/module';
import { ROLE_COMMANDS } from './teams';

/** The directory and who holds which role: `people …` and `people role …` share a first word, so one loader serves both. */
const peopleAndRoles = async () => ({ ...(await import('./cli.js')).PEOPLE_COMMANDS, ...(await import('./roles-cli.js')).ROLE_COMMANDS });

/**
 * People and their roles, as administrators and HR manage them. The directory itself is the
 * kernel's (every feature reads it); what is declared here is how people manage it. The roles job
 * (mapped Entra groups) stays with the app's kernel jobs: it is Graph wiring, not this module's.
 */
export const peopleModule = {
  name: 'people',
  textCommands: ROLE_COMMANDS,
  cli: { people: peopleAndRoles, roles: peopleAndRoles },
} satisfies FeatureModule;
