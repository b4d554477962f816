import { AppError } from '../core/errors';
import { grantRole, groupMapsReport, mapGroup, revokeRole, roleHoldersReport, unmapGroup } from './roles';
import {
  AGENCY_OPTIONS,
  orgOf,
  organisationOf,
  outputReport,
  print,
  requesterOption,
  stringOption,
  TABLE_OPTIONS,
  type CliContext,
  type Command,
} from '../kernel/cli-command';

/**
 * What a grant, revoke, map or unmap asks for: `<who> <role>` (a person, or an Entra group), limited
 * to `--agency` if given, for the administrator named by `--as` (else the operator); or its usage.
 */
async function roleCommand(ctx: CliContext, usage: string) {
  const [who, role] = ctx.args;
  if (!who || !role || ctx.args.length > 2) throw new AppError('VALIDATION', `Usage: npm run cli -- ${usage}`);
  const agency = stringOption(ctx, 'agency');
  return { who, input: { orgId: orgOf(ctx), requester: await requesterOption(ctx), role, ...(agency ? { agency } : {}) } };
}

const GRANT_USAGE =
  'people role grant <person id or email> <role> [--agency <id>] [--as <administrator email>] [--org <id>]   (a direct grant, for bootstrap and agencies without Entra groups)';
const REVOKE_USAGE =
  'people role revoke <person id or email> <role> [--agency <id>] [--as <administrator email>] [--org <id>]   (takes away a direct grant; group roles follow the group)';
const MAP_USAGE =
  'roles map <Entra group object id> <role> [--agency <id>] [--as <administrator email>] [--org <id>]   (the group’s members, nested groups too, hold the role within the agency)';
const UNMAP_USAGE = 'roles unmap <Entra group object id> <role> [--agency <id>] [--as <administrator email>] [--org <id>]';

/** Who holds which role, and where each came from: direct grants and Entra groups mapped to roles. */
export const ROLE_COMMANDS: Record<string, Command> = {
  'people role grant': {
    usage: GRANT_USAGE,
    options: AGENCY_OPTIONS,
    async run(ctx) {
      const { who, input } = await roleCommand(ctx, GRANT_USAGE);
      await organisationOf(ctx);
      const { person, changed } = await grantRole(ctx, { ...input, person: who });
      const role = input.role;
      print(
        changed
          ? `${person.name} (${person.id}) now holds ${role.toLowerCase()}.`
          : `${person.name} (${person.id}) already held ${role.toLowerCase()} directly: nothing changed.`,
      );
    },
  },
  'people role revoke': {
    usage: REVOKE_USAGE,
    options: AGENCY_OPTIONS,
    async run(ctx) {
      const { who, input } = await roleCommand(ctx, REVOKE_USAGE);
      const { person, stillFrom } = await revokeRole(ctx, { ...input, person: who });
      const role = input.role;
      print(
        `${person.name} (${person.id}) no longer holds ${role.toLowerCase()} directly.${stillFrom.length ? ` They still hold it through Entra group ${stillFrom.join(', ')}.` : ''}`,
      );
    },
  },
  'people roles': {
    usage:
      'people roles [--role <role>] [--agency <id>] [--as <administrator email>] [--format csv|xlsx | --out <file>] [--org <id>]   (who holds what, and where each role came from)',
    options: { role: { type: 'string' }, ...AGENCY_OPTIONS, ...TABLE_OPTIONS },
    async run(ctx) {
      const role = stringOption(ctx, 'role');
      const agency = stringOption(ctx, 'agency');
      const report = await roleHoldersReport(ctx, {
        orgId: orgOf(ctx),
        requester: await requesterOption(ctx),
        ...(role ? { role } : {}),
        ...(agency ? { agency } : {}),
      });
      await outputReport(ctx, report, 'roles');
    },
  },
  'roles map': {
    usage: MAP_USAGE,
    options: AGENCY_OPTIONS,
    async run(ctx) {
      const { who: groupId, input } = await roleCommand(ctx, MAP_USAGE);
      await organisationOf(ctx);
      const { map, changed } = await mapGroup(ctx, { ...input, groupId });
      const where = map.agency ? ` in ${map.agency}` : '';
      print(
        changed
          ? `Entra group ${map.groupId} is mapped to ${map.role}${where}. Its members get the role at the next roles run (npm run cli -- jobs run roles) or when they next sign in.`
          : `Entra group ${map.groupId} was already mapped to ${map.role}${where}: nothing changed.`,
      );
    },
  },
  'roles unmap': {
    usage: UNMAP_USAGE,
    options: AGENCY_OPTIONS,
    async run(ctx) {
      const { who: groupId, input } = await roleCommand(ctx, UNMAP_USAGE);
      const { removedFrom } = await unmapGroup(ctx, { ...input, groupId });
      const role = input.role;
      print(
        `Unmapped. ${removedFrom} ${removedFrom === 1 ? 'person no longer holds' : 'people no longer hold'} ${role.toLowerCase()} through that group (direct grants stay).`,
      );
    },
  },
  'roles maps': {
    usage:
      'roles maps [--as <administrator email>] [--format csv|xlsx | --out <file>] [--org <id>]   (Entra groups mapped to roles, and any that cannot be read)',
    options: { as: { type: 'string' }, ...TABLE_OPTIONS },
    async run(ctx) {
      await outputReport(ctx, await groupMapsReport(ctx, { orgId: orgOf(ctx), requester: await requesterOption(ctx) }), 'role-maps');
    },
  },
};
