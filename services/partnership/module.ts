import { z } from 'zod';
import { mayViewPartnershipReport } from '../access/policy';
import { today } from '../core/dates';
import type { FeatureModule, ReportDefinition } from '../kernel/module';
import { partnershipReport } from '../dashboard';
import { PARTNERSHIP_COMMANDS } from './teams';

/**
 * The board's roll-up, declared once: `report partnership` in Teams, `tracker report partnership`
 * at the command line and the tab's Partnership page all come from here. Today's names
 * ("partnership report" typed, `tracker partnership report`) run this same declaration.
 */
export const PARTNERSHIP_REPORT: ReportDefinition = {
  name: 'partnership',
  title: 'Partnership',
  description: 'Figures only, no names: the board’s roll-up of every agency’s plan, training, escalations and questionnaires.',
  params: z.object({ at: z.iso.date({ error: 'must be a date such as 2026-04-01' }).optional() }),
  allowed: (actor, organisation) => mayViewPartnershipReport(actor, organisation),
  build: (ctx, requester, params) =>
    partnershipReport(ctx, {
      orgId: ctx.organisation.id,
      requester,
      timeZone: ctx.organisation.timeZone,
      asAt: typeof params.at === 'string' ? params.at : today(ctx.clock, ctx.organisation.timeZone),
    }),
};

/** The partnership board's roll-up of every agency's figures. */
export const partnershipModule = {
  name: 'partnership',
  textCommands: PARTNERSHIP_COMMANDS,
  cli: { partnership: async () => (await import('./cli.js')).PARTNERSHIP_COMMANDS },
  reports: [PARTNERSHIP_REPORT],
} satisfies FeatureModule;
