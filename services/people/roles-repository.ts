import { recordAudit } from '../audit/audit-log';
import { OPERATOR_ID, SYSTEM_ID, type AuditInput, type AuditSurface } from '../audit/model';
import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import type { Stored, Store } from '../store/ports';
import { grantsOf, rolesFrom, sameGrant, type Person, type Role, type RoleGrant } from './model';

/** Who made a change, and where: a person (or the operator) at the command line, or the app itself (`system`). */
export type ChangedBy = { personId?: string; name: string; surface: AuditSurface };

/** An Entra security group whose members hold `role` within `agency` (undefined before the partnership has agencies). */
export type GroupMap = { groupId: string; role: Role; agency?: string; by: ChangedBy; at: string };

/** A mapped group Graph would not let the sync read: reported to administrators once, until a read succeeds. */
export type GroupProblem = { groupId: string; since: string; detail: string };

/** The organisation's group-to-role maps and their open problems, in one small document of the organisations container. */
export type RoleMapsDoc = { id: typeof ROLE_MAPS_ID; orgId: string; kind: 'role-group-maps'; maps: GroupMap[]; problems: GroupProblem[] };

export const ROLE_MAPS_ID = 'role-group-maps';
/** Far more than a council maps; keeps the document small (Cosmos items are at most 2 MB). */
export const MAX_GROUP_MAPS = 200;

/**
 * Every change of who holds a role. `revoke` with `from: 'direct'` takes away the role's grants by
 * a person, the bootstrap setting or from earlier; with `from: { groupId }` only that group's grant.
 */
export type RoleChange =
  | { what: 'grant'; orgId: string; personId: string; grant: RoleGrant; by: ChangedBy }
  | { what: 'revoke'; orgId: string; personId: string; role: Role; from: 'direct' | { groupId: string }; by: ChangedBy }
  | { what: 'map'; orgId: string; map: GroupMap; by: ChangedBy }
  | { what: 'unmap'; orgId: string; groupId: string; role: Role; agency?: string; by: ChangedBy };

export type RoleChangeResult = { changed: boolean; person?: Person };

const emptyMaps = (orgId: string): RoleMapsDoc => ({ id: ROLE_MAPS_ID, orgId, kind: 'role-group-maps', maps: [], problems: [] });
const sameMap = (a: Pick<GroupMap, 'groupId' | 'role' | 'agency'>, b: Pick<GroupMap, 'groupId' | 'role' | 'agency'>) =>
  a.groupId === b.groupId && a.role === b.role && (a.agency ?? '') === (b.agency ?? '');

function removes(grant: RoleGrant, role: Role, from: 'direct' | { groupId: string }): boolean {
  if (grant.role !== role) return false;
  return from === 'direct' ? grant.source.kind !== 'group' : grant.source.kind === 'group' && grant.source.groupId === from.groupId;
}

/**
 * The one place a role is given or taken away, or a group mapped to one: direct grants and
 * revokes, the group sync, sign-in refreshes, the bootstrap setting, and `roles map|unmap` all come
 * here, so whatever must follow every change of access (an audit entry) is added once. A change
 * that changes nothing (a grant already held) writes nothing and reports `changed: false`.
 */
export async function commitRoleChange(deps: { store: Store; clock: Clock }, change: RoleChange): Promise<RoleChangeResult> {
  const result = await applyRoleChange(deps.store, change);
  if (result.changed) recordAudit(deps, auditOf(change, result.person));
  return result;
}

/** The audit entry of a change of access: ids and fixed words only, never a name. */
function auditOf(change: RoleChange, person: Person | undefined): AuditInput {
  const who = change.by.personId ?? (change.by.surface === 'cli' ? OPERATOR_ID : SYSTEM_ID);
  const base = { orgId: change.orgId, who, surface: change.by.surface, action: 'change' as const };
  switch (change.what) {
    case 'grant': {
      const source = change.grant.source;
      const from = source.kind === 'group' ? `from Entra group ${source.groupId}` : source.kind === 'direct' ? 'directly' : source.kind;
      return {
        ...base,
        record: { kind: 'person-roles', id: change.personId },
        ...(person?.agency ? { agency: person.agency } : {}),
        detail: `granted ${change.grant.role} ${from}`,
      };
    }
    case 'revoke':
      return {
        ...base,
        record: { kind: 'person-roles', id: change.personId },
        ...(person?.agency ? { agency: person.agency } : {}),
        detail: `revoked ${change.role} ${change.from === 'direct' ? 'directly' : `with Entra group ${change.from.groupId}`}`,
      };
    case 'map':
      return {
        ...base,
        record: { kind: 'role-group-map', id: change.map.groupId },
        ...(change.map.agency ? { agency: change.map.agency } : {}),
        detail: `mapped to ${change.map.role}`,
      };
    case 'unmap':
      return {
        ...base,
        record: { kind: 'role-group-map', id: change.groupId },
        ...(change.agency ? { agency: change.agency } : {}),
        detail: `unmapped from ${change.role}`,
      };
  }
}

async function applyRoleChange(store: Store, change: RoleChange): Promise<RoleChangeResult> {
  if (change.what === 'map' || change.what === 'unmap') {
    const maps = store.collection<RoleMapsDoc>('organisations');
    let changed = false;
    const current = (await maps.read(change.orgId, ROLE_MAPS_ID)) ?? (await createMaps(store, change.orgId));
    await maps.update(
      change.orgId,
      ROLE_MAPS_ID,
      (doc) => {
        changed = false;
        if (change.what === 'map') {
          if (doc.maps.some((m) => sameMap(m, change.map))) return undefined;
          if (doc.maps.length >= MAX_GROUP_MAPS) throw new AppError('VALIDATION', `At most ${MAX_GROUP_MAPS} groups can be mapped to roles; unmap one first.`);
          changed = true;
          return { ...doc, maps: [...doc.maps, change.map] };
        }
        const kept = doc.maps.filter((m) => !sameMap(m, change));
        if (kept.length === doc.maps.length) return undefined;
        changed = true;
        return {
          ...doc,
          maps: kept,
          problems: kept.some((m) => m.groupId === change.groupId) ? doc.problems : doc.problems.filter((p) => p.groupId !== change.groupId),
        };
      },
      current,
    );
    return { changed };
  }
  let changed = false;
  const person = await store.collection<Person>('people').update(change.orgId, change.personId, (p) => {
    const grants = grantsOf(p);
    const next =
      change.what === 'grant'
        ? grants.some((g) => sameGrant(g, change.grant))
          ? grants
          : [...grants, change.grant]
        : grants.filter((g) => !removes(g, change.role, change.from));
    changed = next.length !== grants.length;
    return changed ? { ...p, roleGrants: next, roles: rolesFrom(next, p.roles) } : undefined;
  });
  return { changed, person };
}

/** The maps document, created empty the first time a group is mapped (by whichever of two racing writers is first). */
async function createMaps(store: Store, orgId: string): Promise<Stored<RoleMapsDoc>> {
  const maps = store.collection<RoleMapsDoc>('organisations');
  try {
    return await maps.create(emptyMaps(orgId));
  } catch (e) {
    if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
    return (await maps.read(orgId, ROLE_MAPS_ID))!;
  }
}

/** The group maps and open problems as stored (none yet: an empty document, not written). */
export async function readRoleMaps(store: Store, orgId: string): Promise<RoleMapsDoc> {
  return (await store.collection<RoleMapsDoc>('organisations').read(orgId, ROLE_MAPS_ID)) ?? emptyMaps(orgId);
}

/**
 * Records that a group could not be read, or that it can again (`problem` undefined). Returns the
 * open problem, keeping its first `since` while it lasts so administrators are told of it once.
 */
export async function setGroupProblem(
  store: Store,
  orgId: string,
  groupId: string,
  problem: Omit<GroupProblem, 'groupId'> | undefined,
): Promise<GroupProblem | undefined> {
  const maps = store.collection<RoleMapsDoc>('organisations');
  if (!(await maps.read(orgId, ROLE_MAPS_ID))) return undefined;
  let open: GroupProblem | undefined;
  await maps.update(orgId, ROLE_MAPS_ID, (doc) => {
    const current = doc.problems.find((p) => p.groupId === groupId);
    open = problem ? (current ?? { groupId, ...problem }) : undefined;
    if (problem ? current : !current) return undefined;
    return { ...doc, problems: problem ? [...doc.problems, open!] : doc.problems.filter((p) => p.groupId !== groupId) };
  });
  return open;
}
