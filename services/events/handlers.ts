import type { WorkingCalendar } from '../scheduling/calendar';
import { DomainEvents } from './domain-events';
import { registeredModules } from '../kernel/registry';

/**
 * Every reaction to domain events: each feature module registers its own (FeatureModule.events),
 * in the order of the modules list, so the app and the tests build the same set and the code under
 * test is the code in production. The kernel has none of its own today.
 */
export function domainEvents(calendar: WorkingCalendar): DomainEvents {
  const bus = new DomainEvents();
  for (const m of registeredModules()) m.events?.(bus, { calendar });
  return bus;
}
