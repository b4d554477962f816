import { channelAlertCard, channelAlertEmail, escalationAlertCard, escalationAlertEmail } from '../../cards/escalations/cards';
import type { FeatureModule } from '../kernel/module';
import { ensureOrganisation } from '../organisation/organisations';
import { ESCALATION_COMMANDS, ESCALATION_ROUTES } from './teams';
import { escalationsAfterUpdate, runEscalationChecks } from './triggers';

/** Escalations: raised by people or opened by the rules, moved up the ladder, and the central record's review. */
export const escalationsModule = {
  name: 'escalations',
  cardRoutes: ESCALATION_ROUTES,
  textCommands: ESCALATION_COMMANDS,
  storedMessages: {
    // An alert always notifies: what must not wait for the chat to be opened.
    'escalation-alert': { card: escalationAlertCard, email: escalationAlertEmail, notifies: () => true },
    'escalation-channel-alert': { card: channelAlertCard, email: channelAlertEmail },
  },
  cli: { escalations: async () => (await import('./cli.js')).ESCALATION_COMMANDS },
  jobs: {
    escalations: {
      cron: '30 8 * * 1-5',
      description: 'Opens escalations for overdue, unanswered or unreachable actions; moves unacknowledged stages up past their deadline',
      workingDaysOnly: true,
      run: runEscalationChecks,
    },
  },
  // A Red, or a second Amber in a row, opens an escalation (the nightly job catches any missed).
  events: (bus, { calendar }) =>
    void bus.on('ActionUpdated', async (event, ctx) => {
      // A card answer's context holds the organisation already: one store round trip fewer per answer.
      const known = ctx.organisation?.id === event.action.orgId ? ctx.organisation : undefined;
      const organisation = known ?? (await ensureOrganisation(ctx.store, ctx.clock, event.action.orgId, { timeZone: event.timeZone }));
      await escalationsAfterUpdate({ ...ctx, calendar }, organisation, event.action, event.update);
    }),
} satisfies FeatureModule;
