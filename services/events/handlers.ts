import { escalationsAfterUpdate } from '../escalations/triggers';
import { ensureOrganisation } from '../organisation/organisations';
import { noteRoundAnswer } from '../rounds/rounds';
import type { WorkingCalendar } from '../scheduling/calendar';
import { DomainEvents } from './domain-events';
import { registeredModules } from '../kernel/registry';

/**
 * Every reaction to domain events, the kernel's here and each feature module's from its module: the app and the tests build the same set, so the
 * code under test is the code in production.
 * - An answer may complete a lead's part of an update round: noted here, summarised by the round
 *   upkeep within a minute (services/rounds/rounds.ts, roundUpkeep).
 * - A Red, or a second Amber in a row, opens an escalation (the nightly job catches any missed).
 */
export function domainEvents(calendar: WorkingCalendar): DomainEvents {
  const bus = new DomainEvents()
    .on('ActionUpdated', (event, ctx) => noteRoundAnswer(ctx, event.action))
    .on('ActionUpdated', async (event, ctx) => {
      // A card answer's context holds the organisation already: one store round trip fewer per answer.
      const known = ctx.organisation?.id === event.action.orgId ? ctx.organisation : undefined;
      const organisation = known ?? (await ensureOrganisation(ctx.store, ctx.clock, event.action.orgId, { timeZone: event.timeZone }));
      await escalationsAfterUpdate({ ...ctx, calendar }, organisation, event.action, event.update);
    });
  // Each feature module registers its own reactions (FeatureModule.events).
  for (const m of registeredModules()) m.events?.(bus, { calendar });
  return bus;
}
