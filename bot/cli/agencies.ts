import { domainEvents } from '../../services/events/handlers';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { addAgency, listAgencies, setAgency } from '../../services/organisation/agencies';
import { AppError } from '../../services/core/errors';
import { OPERATOR } from '../../services/access/policy';
import { auditCommand, orgOf, organisationOf, print, quoted, type CliContext, type Command } from '../../services/kernel/cli-command';

/** A repeatable option's values (`--tenant a --tenant b`), or none. */
function listOption(ctx: CliContext, name: string): string[] {
  const value = ctx.options[name] as unknown;
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

/** What `agency set` changed, in fixed words and ids (the audit's detail). */
function describeAgencyChange(ctx: CliContext, name: string | undefined): string {
  return (
    [
      ...(name !== undefined ? ['renamed'] : []),
      ...listOption(ctx, 'tenant').map((t) => `tenant ${t} added`),
      ...listOption(ctx, 'remove-tenant').map((t) => `tenant ${t} removed`),
      ...(ctx.options.lead === true ? ['made the lead agency'] : []),
    ].join('; ') || 'no change asked'
  );
}

const defaults = (ctx: CliContext) => ({ timeZone: ctx.config.DEFAULT_TIME_ZONE });

export const AGENCY_COMMANDS: Record<string, Command> = {
  'agency add': {
    usage: 'agency add <name> [--tenant <Entra tenant id> ...] [--org <id>]   (a member agency of the partnership; no tenant for guest or email-only staff)',
    options: { tenant: { type: 'string', multiple: true } },
    async run(ctx) {
      const name = ctx.args.join(' ').trim();
      if (!name) throw new AppError('VALIDATION', 'Give the agency’s name, e.g. agency add "Thames Valley Police" --tenant <tenant id>.');
      const { agency, lead } = await addAgency(
        ctx.store,
        ctx.clock,
        orgOf(ctx),
        { name, tenantIds: listOption(ctx, 'tenant') },
        defaults(ctx),
        domainEvents(new WorkingCalendar()),
      );
      auditCommand(ctx, OPERATOR, { kind: 'agency', id: agency.agencyId }, { action: 'change', detail: `added${lead ? ' as the lead agency' : ''}` });
      print(
        `Added the agency ${quoted(agency.name)} with the id ${agency.agencyId}${agency.tenantIds.length ? `, tenants ${agency.tenantIds.join(', ')}` : ', no tenant (its staff are guests or reached by email)'}.`,
      );
      if (lead) print('It is the partnership’s lead agency: its administrators administer the whole partnership (agency set <id> --lead moves that).');
    },
  },
  'agency list': {
    usage: 'agency list [--org <id>]   (the partnership’s agencies, their tenants, and which leads)',
    async run(ctx) {
      const org = await organisationOf(ctx);
      const agencies = await listAgencies(ctx.store, orgOf(ctx));
      if (agencies.length === 0) {
        print('No agencies yet: every allowed tenant serves the organisation as one body. Add one with agency add <name> --tenant <id>.');
        return;
      }
      for (const a of agencies) {
        print(
          `${a.agencyId}  ${a.name}${a.agencyId === org.leadAgencyId ? '  (lead agency)' : ''}  tenants: ${a.tenantIds.length ? a.tenantIds.join(', ') : 'none (guests or email only)'}`,
        );
      }
    },
  },
  'agency set': {
    usage: 'agency set <id> [--name <name>] [--tenant <id> ...] [--remove-tenant <id> ...] [--lead] [--org <id>]',
    options: {
      name: { type: 'string' },
      tenant: { type: 'string', multiple: true },
      'remove-tenant': { type: 'string', multiple: true },
      lead: { type: 'boolean' },
    },
    async run(ctx) {
      const id = ctx.args[0];
      if (!id || ctx.args.length > 1)
        throw new AppError('VALIDATION', 'Give one agency id (agency list shows them), e.g. agency set thames-valley-police --tenant <tenant id>.');
      const name = ctx.options.name as string | undefined;
      const agency = await setAgency(
        ctx.store,
        ctx.clock,
        orgOf(ctx),
        id,
        {
          ...(name !== undefined ? { name } : {}),
          addTenantIds: listOption(ctx, 'tenant'),
          removeTenantIds: listOption(ctx, 'remove-tenant'),
          lead: ctx.options.lead === true,
        },
        defaults(ctx),
      );
      auditCommand(ctx, OPERATOR, { kind: 'agency', id: agency.agencyId }, { action: 'change', detail: describeAgencyChange(ctx, name) });
      print(
        `Agency ${agency.agencyId}: ${quoted(agency.name)}, tenants ${agency.tenantIds.length ? agency.tenantIds.join(', ') : 'none'}${ctx.options.lead ? '; now the lead agency' : ''}.`,
      );
    },
  },
};
