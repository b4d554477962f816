import { AppError } from '../core/errors';
import { grantRole, groupMapsReport, mapGroup, revokeRole, roleHoldersReport, unmapGroup } from './roles';
import { OPERATOR } from '../access/policy';
import type { RoleRequester } from './roles';
import {
  actorOption,
  AGENCY_OPTIONS,
  orgOf,
  organisationOf,
  outputReport,
  print,
  stringOption,
  TABLE_OPTIONS,
  type CliContext,
  type Command,
} from '../kernel/cli-command';

/** Who the command acts for: the administrator named by `--as` (authorised as them, and named as the granter), else the operator. */
const requesterOption = async (ctx: CliContext): Promise<RoleRequester> => (stringOption(ctx, 'as') === undefined ? OPERATOR : actorOption(ctx));

/** `<a> <b>`: the two words a command needs, or its usage. */
function twoArgs(ctx: CliContext, usage: string): [string, string] {
  const [a, b] = ctx.args;
  if (!a || !b || ctx.args.length > 2) throw new AppError('VALIDATION', `Usage: npm run cli -- ${usage}`);
  return [a, b];
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
      const [who, role] = twoArgs(ctx, GRANT_USAGE);
      await organisationOf(ctx);
      const agency = stringOption(ctx, 'agency');
      const { person, changed } = await grantRole(ctx, {
        orgId: orgOf(ctx),
        requester: await requesterOption(ctx),
        person: who,
        role,
        ...(agency ? { agency } : {}),
      });
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
      const [who, role] = twoArgs(ctx, REVOKE_USAGE);
      const agency = stringOption(ctx, 'agency');
      const { person, stillFrom } = await revokeRole(ctx, {
        orgId: orgOf(ctx),
        requester: await requesterOption(ctx),
        person: who,
        role,
        ...(agency ? { agency } : {}),
      });
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
      const [groupId, role] = twoArgs(ctx, MAP_USAGE);
      await organisationOf(ctx);
      const agency = stringOption(ctx, 'agency');
      const { map, changed } = await mapGroup(ctx, { orgId: orgOf(ctx), requester: await requesterOption(ctx), groupId, role, ...(agency ? { agency } : {}) });
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
      const [groupId, role] = twoArgs(ctx, UNMAP_USAGE);
      const agency = stringOption(ctx, 'agency');
      const { removedFrom } = await unmapGroup(ctx, { orgId: orgOf(ctx), requester: await requesterOption(ctx), groupId, role, ...(agency ? { agency } : {}) });
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
