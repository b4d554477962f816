import { escalationsAfterUpdate } from '../escalations/triggers';
import { ensureOrganisation } from '../organisation/organisations';
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
  bus.on('ActionUpdated', async (event, ctx) => {
    // A card answer's context holds the organisation already: one store round trip fewer per answer.
    const known = ctx.organisation?.id === event.action.orgId ? ctx.organisation : undefined;
    const organisation = known ?? (await ensureOrganisation(ctx.store, ctx.clock, event.action.orgId, { timeZone: event.timeZone }));
    await escalationsAfterUpdate({ ...ctx, calendar }, organisation, event.action, event.update);
  });
  return bus;
}
