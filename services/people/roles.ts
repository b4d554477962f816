import type { Clock } from '../core/clock';
import { formatDate } from '../core/dates';
import { AppError } from '../core/errors';
import type { Report } from '../core/report';
import {
  agencyOf,
  isPartnershipAdministrator,
  isPartnershipRole,
  mayGrantRole,
  mayViewRoles,
  OPERATOR,
  scopeOfRequester,
  type Partnership,
} from '../access/policy';
import { requireAgency } from '../organisation/agencies';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import type { Store } from '../store/ports';
import { GRANTABLE_ROLES, grantsOf, hasRole, isEntraId, ROLES, type Person, type Role, type RoleGrant } from './model';
import { Directory } from './repository';
import { commitRoleChange, readRoleMaps, type ChangedBy, type GroupMap } from './roles-repository';

/** Who asks for a change of roles: a person (authorised by the access policy) or the operator at the command line. */
export type RoleRequester = Person | typeof OPERATOR;
export type RoleDeps = { store: Store; clock: Clock };

const OPERATOR_NAME = 'the operator (command line)';
const byOf = (requester: RoleRequester): ChangedBy =>
  requester === OPERATOR ? { name: OPERATOR_NAME, surface: 'cli' } : { personId: requester.id, name: requester.name, surface: 'cli' };

/** A role as typed; an unknown one is refused with the list of roles. */
export function parseRole(text: string): Exclude<Role, 'officer'> {
  const role = text.trim().toLowerCase();
  if (role === 'officer') throw new AppError('VALIDATION', `Everyone is an officer; there is nothing to grant. The roles are: ${GRANTABLE_ROLES.join(', ')}.`);
  if (!(ROLES as readonly string[]).includes(role))
    throw new AppError('VALIDATION', `"${text.slice(0, 40)}" is not a role. The roles are: ${GRANTABLE_ROLES.join(', ')}.`);
  return role as Exclude<Role, 'officer'>;
}

/** A person by directory id or email, anywhere in the organisation (their agency is checked by the caller). */
async function findPerson(store: Store, orgId: string, who: string): Promise<Person> {
  const directory = new Directory(store);
  const text = who.trim();
  const person = text.includes('@') ? await directory.byEmail({ orgId }, text) : text ? await directory.get(orgId, text) : undefined;
  if (!person)
    throw new AppError(
      'NOT_FOUND',
      `No one with the id or email "${text.slice(0, 80)}" is in the directory: import them first (npm run cli -- people import).`,
    );
  return person;
}

/** Refuses a requester the access policy does not let grant `role` to people of `agency`, saying why. */
function requireMayGrant(requester: RoleRequester, role: Role, agency: string | undefined, partnership: Partnership): void {
  if (requester === OPERATOR || mayGrantRole(requester, role, agency, partnership)) return;
  if (!hasRole(requester, 'admin')) throw new AppError('FORBIDDEN', 'Only administrators grant roles and map groups to them.');
  if (isPartnershipRole(role, agency, partnership)) {
    throw new AppError(
      'FORBIDDEN',
      `${role === 'admin' ? 'An administrator of the lead agency' : `The ${role} role`} serves the whole partnership: only the partnership’s administrators grant it.`,
    );
  }
  throw new AppError(
    'OUTSIDE_AGENCY',
    `You administer ${agencyOf(requester, partnership) ?? 'no agency'}; roles in ${agency ?? 'the lead agency'} are for its own administrators.`,
  );
}

/** The person a grant or revoke names, checked against `--agency` when given: a role applies within its holder's own agency. */
async function targetOf(
  store: Store,
  orgId: string,
  who: string,
  agency: string | undefined,
  partnership: Partnership,
): Promise<{ person: Person; agency: string | undefined }> {
  const person = await findPerson(store, orgId, who);
  const own = agencyOf(person, partnership);
  if (agency !== undefined && agency !== own)
    throw new AppError('OUTSIDE_AGENCY', `${person.name} is of ${own ?? 'no agency'}, not ${agency}: a role applies within its holder’s own agency.`);
  return { person, agency: own };
}

export type RoleInput = { orgId: string; requester: RoleRequester; person: string; role: string; agency?: string };

/** Grants a role directly (bootstrap, agencies without Entra groups). Granting a role already held directly changes nothing. */
export async function grantRole(deps: RoleDeps, input: RoleInput): Promise<{ person: Person; changed: boolean }> {
  const role = parseRole(input.role);
  const partnership = await partnershipFor(deps, input.orgId);
  const { person, agency } = await targetOf(deps.store, input.orgId, input.person, input.agency, partnership);
  requireMayGrant(input.requester, role, agency, partnership);
  if (!person.active) throw new AppError('VALIDATION', `${person.name} is marked as having left: a leaver is given no role.`);
  const by = byOf(input.requester);
  const grant: RoleGrant = { role, source: { kind: 'direct', by, at: deps.clock.now().toISOString() } };
  const result = await commitRoleChange(deps, { what: 'grant', orgId: input.orgId, personId: person.id, grant, by });
  return { person: result.person ?? person, changed: result.changed };
}

/**
 * Takes away a directly granted role (granted by someone, by the bootstrap setting or from earlier).
 * A role held through a group stays while they are in it; the last partnership administrator stays.
 */
export async function revokeRole(deps: RoleDeps, input: RoleInput): Promise<{ person: Person; stillFrom: string[] }> {
  const role = parseRole(input.role);
  const partnership = await partnershipFor(deps, input.orgId);
  const { person, agency } = await targetOf(deps.store, input.orgId, input.person, input.agency, partnership);
  requireMayGrant(input.requester, role, agency, partnership);
  const grants = grantsOf(person).filter((g) => g.role === role);
  const groups = grants.flatMap((g) => (g.source.kind === 'group' ? [g.source.groupId] : []));
  if (grants.length === groups.length) {
    throw new AppError(
      'VALIDATION',
      groups.length
        ? `${person.name} holds ${role} through Entra group ${groups.join(', ')}, not directly: take them out of the group, or unmap it.`
        : `${person.name} does not hold ${role}.`,
    );
  }
  if (role === 'admin' && groups.length === 0 && isPartnershipAdministrator(person, partnership)) {
    const others = (await new Directory(deps.store).withRole({ orgId: input.orgId }, 'admin')).filter(
      (p) => p.id !== person.id && p.active && isPartnershipAdministrator(p, partnership),
    );
    if (others.length === 0)
      throw new AppError(
        'FORBIDDEN',
        `${person.name} is the partnership’s last administrator: grant the role to someone else first, or nobody could grant roles from Teams.`,
      );
  }
  const by = byOf(input.requester);
  const result = await commitRoleChange(deps, { what: 'revoke', orgId: input.orgId, personId: person.id, role, from: 'direct', by });
  return { person: result.person ?? person, stillFrom: groups };
}

/** Where a grant came from, in words: "Entra group <id>" or "granted by <name> on <date>". */
export function sourceText(grant: RoleGrant): string {
  const s = grant.source;
  switch (s.kind) {
    case 'group':
      return `Entra group ${s.groupId}`;
    case 'direct':
      return `granted by ${s.by.name} on ${formatDate(s.at.slice(0, 10))}`;
    case 'bootstrap':
      return `BOOTSTRAP_ADMIN_OBJECT_IDS, on ${formatDate(s.at.slice(0, 10))}`;
    case 'earlier':
      return 'granted before sources were recorded';
  }
}

/** Who holds what and from where, within the requester's reach: one row per grant. Administrators only (and the operator). */
export async function roleHoldersReport(
  deps: PartnershipSource,
  input: { orgId: string; requester: RoleRequester; role?: string; agency?: string },
): Promise<Report> {
  if (input.requester !== OPERATOR && !mayViewRoles(input.requester)) throw new AppError('FORBIDDEN', 'Who holds which role is for administrators.');
  const role = input.role === undefined ? undefined : parseRole(input.role);
  const { store } = deps;
  const partnership = await partnershipFor(deps, input.orgId);
  if (input.agency !== undefined) await requireAgency(store, input.orgId, input.agency);
  const scope = scopeOfRequester(input.requester, partnership, input.agency);
  const directory = new Directory(store);
  const people = role ? await directory.withRole(scope, role) : (await directory.all(scope)).filter((p) => grantsOf(p).length > 0);
  const rows = people
    .flatMap((p) =>
      grantsOf(p)
        .filter((g) => !role || g.role === role)
        .map((g) => [p.name, p.email ?? '', agencyOf(p, partnership) ?? '', g.role, sourceText(g), p.active ? 'yes' : 'left']),
    )
    .sort((a, b) => a[3]!.localeCompare(b[3]!) || a[0]!.localeCompare(b[0]!));
  return {
    title: role ? `Holders of ${role}` : 'Roles',
    headers: ['Name', 'Email', 'Agency', 'Role', 'From', 'Active'],
    rows,
    notes: [
      scope.agency ? `People of ${scope.agency} only.` : 'Every agency.',
      'Everyone else is an officer. Group roles follow the Entra groups at each daily sync and sign-in.',
    ],
  };
}

export type GroupMapInput = { orgId: string; requester: RoleRequester; groupId: string; role: string; agency?: string };

/** The agency a map is for: the one named, else the requester's own, else the lead agency (none before any agency exists). */
async function mapAgency(store: Store, input: GroupMapInput, partnership: Partnership): Promise<string | undefined> {
  if (input.agency !== undefined) {
    await requireAgency(store, input.orgId, input.agency);
    return input.agency;
  }
  return input.requester === OPERATOR ? partnership.leadAgencyId : agencyOf(input.requester, partnership);
}

function groupIdOf(text: string): string {
  if (!isEntraId(text.trim()))
    throw new AppError('VALIDATION', `"${text.slice(0, 60)}" is not an Entra group object id (a GUID, from the group’s Overview page in Entra).`);
  return text.trim().toLowerCase();
}

/** Maps an Entra security group to a role within an agency; its members get the role at the next sync or sign-in. */
export async function mapGroup(deps: RoleDeps, input: GroupMapInput): Promise<{ map: GroupMap; changed: boolean }> {
  const groupId = groupIdOf(input.groupId);
  const role = parseRole(input.role);
  const partnership = await partnershipFor(deps, input.orgId);
  const agency = await mapAgency(deps.store, input, partnership);
  requireMayGrant(input.requester, role, agency, partnership);
  const by = byOf(input.requester);
  const map: GroupMap = { groupId, role, ...(agency ? { agency } : {}), by, at: deps.clock.now().toISOString() };
  const { changed } = await commitRoleChange(deps, { what: 'map', orgId: input.orgId, map, by });
  return { map, changed };
}

/** Removes a group's map; the people who held the role through it lose it now (a direct grant stays). */
export async function unmapGroup(deps: RoleDeps, input: GroupMapInput): Promise<{ removedFrom: number }> {
  const groupId = groupIdOf(input.groupId);
  const role = parseRole(input.role);
  const partnership = await partnershipFor(deps, input.orgId);
  const agency = await mapAgency(deps.store, input, partnership);
  requireMayGrant(input.requester, role, agency, partnership);
  const by = byOf(input.requester);
  const { changed } = await commitRoleChange(deps, { what: 'unmap', orgId: input.orgId, groupId, role, ...(agency ? { agency } : {}), by });
  if (!changed)
    throw new AppError('NOT_FOUND', `Group ${groupId} is not mapped to ${role}${agency ? ` in ${agency}` : ''} (npm run cli -- roles maps lists the maps).`);
  let removedFrom = 0;
  const holders = await new Directory(deps.store).withRole({ orgId: input.orgId, ...(partnership.leadAgencyId && agency ? { agency } : {}) }, role);
  // People of the lead agency may have no agency of their own; the scope above asks by c.agency.
  const alsoLead =
    partnership.leadAgencyId && agency === partnership.leadAgencyId
      ? (await new Directory(deps.store).withRole({ orgId: input.orgId }, role)).filter((p) => !p.agency)
      : [];
  for (const p of [...holders, ...alsoLead]) {
    if (!grantsOf(p).some((g) => g.role === role && g.source.kind === 'group' && g.source.groupId === groupId)) continue;
    if ((await commitRoleChange(deps, { what: 'revoke', orgId: input.orgId, personId: p.id, role, from: { groupId }, by })).changed) removedFrom++;
  }
  return { removedFrom };
}

/** The group maps within the requester's reach, with any group that cannot be read. */
export async function groupMapsReport(deps: PartnershipSource, input: { orgId: string; requester: RoleRequester }): Promise<Report> {
  if (input.requester !== OPERATOR && !mayViewRoles(input.requester)) throw new AppError('FORBIDDEN', 'The group maps are for administrators.');
  const { store } = deps;
  const partnership = await partnershipFor(deps, input.orgId);
  const scope = scopeOfRequester(input.requester, partnership);
  const doc = await readRoleMaps(store, input.orgId);
  const problems = new Map(doc.problems.map((p) => [p.groupId, p]));
  const rows = doc.maps
    .filter((m) => scope.agency === undefined || (m.agency ?? partnership.leadAgencyId) === scope.agency)
    .map((m) => [
      m.groupId,
      m.role,
      m.agency ?? '',
      `${m.by.name}, ${formatDate(m.at.slice(0, 10))}`,
      problems.has(m.groupId) ? `cannot be read since ${formatDate(problems.get(m.groupId)!.since.slice(0, 10))}: ${problems.get(m.groupId)!.detail}` : '',
    ]);
  return {
    title: 'Entra groups mapped to roles',
    headers: ['Group', 'Role', 'Agency', 'Mapped by', 'Problem'],
    rows,
    notes: rows.length ? [] : ['No group is mapped: npm run cli -- roles map <group object id> <role> [--agency <id>].'],
  };
}

/**
 * BOOTSTRAP_ADMIN_OBJECT_IDS: the people with these object ids are partnership administrators
 * whenever the directory holds them (at start-up, after an import, at their first sign-in), so a
 * new deployment gets its first administrator whatever the order of set-up steps. Returns who was made one now.
 */
export async function applyBootstrapAdmins(deps: RoleDeps, orgId: string, objectIds: readonly string[], only?: Person): Promise<Person[]> {
  const directory = new Directory(deps.store);
  const made: Person[] = [];
  const by: ChangedBy = { name: 'the BOOTSTRAP_ADMIN_OBJECT_IDS setting', surface: 'system' };
  for (const objectId of objectIds.map((id) => id.toLowerCase())) {
    if (only && only.aadObjectId?.toLowerCase() !== objectId) continue;
    const person = only ?? (await directory.byAadObjectId({ orgId }, objectId));
    if (!person?.active || grantsOf(person).some((g) => g.role === 'admin' && g.source.kind === 'bootstrap')) continue;
    const grant: RoleGrant = { role: 'admin', source: { kind: 'bootstrap', at: deps.clock.now().toISOString() } };
    const result = await commitRoleChange(deps, { what: 'grant', orgId, personId: person.id, grant, by });
    if (result.changed && result.person) made.push(result.person);
  }
  return made;
}
