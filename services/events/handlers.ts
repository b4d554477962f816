import { escalationsAfterUpdate } from '../escalations/triggers';
import { ensureOrganisation } from '../organisation/organisations';
import { refreshRoundsFor } from '../rounds/rounds';
import type { WorkingCalendar } from '../scheduling/calendar';
import { onLeadAgencyChosen } from '../training/agency-stamp';
import { DomainEvents } from './domain-events';

/**
 * Every reaction to domain events, in one list: the app and the tests build the same set, so the
 * code under test is the code in production.
 * - An answer may complete a lead's part of an update round.
 * - A Red, or a second Amber in a row, opens an escalation (the nightly job catches any missed).
 * - A partnership's first lead agency takes its training records with no agency, as it took its people.
 */
export function domainEvents(calendar: WorkingCalendar): DomainEvents {
  return new DomainEvents()
    .on('ActionUpdated', (event, ctx) => refreshRoundsFor(ctx, event.action, event.timeZone))
    .on('ActionUpdated', async (event, ctx) => {
      // A card answer's context holds the organisation already: one store round trip fewer per answer.
      const known = ctx.organisation?.id === event.action.orgId ? ctx.organisation : undefined;
      const organisation = known ?? (await ensureOrganisation(ctx.store, ctx.clock, event.action.orgId, { timeZone: event.timeZone }));
      await escalationsAfterUpdate({ ...ctx, calendar }, organisation, event.action, event.update);
    })
    .on('LeadAgencyChosen', onLeadAgencyChosen);
}
