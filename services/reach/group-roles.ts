import Bottleneck from 'bottleneck';
import { LRUCache } from 'lru-cache';
import { agencyOf, isPartnershipAdministrator, type Partnership } from '../access/policy';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { enqueue } from '../delivery/outbox';
import { partnershipFor } from '../organisation/organisations';
import type { GroupDirectory } from './graph';
import type { Store } from '../store/ports';
import { grantsOf, type Person, type Role } from '../people/model';
import { Directory } from '../people/repository';
import { applyBootstrapAdmins } from '../people/roles';
import { commitRoleChange, readRoleMaps, setGroupProblem, type ChangedBy, type GroupMap } from '../people/roles-repository';

/** Graph for group roles, and how fast a run may ask it. */
export type GroupRolesWiring = { groups: GroupDirectory; readsPerSecond: number };
export type GroupRolesDeps = { store: Store; clock: Clock } & GroupRolesWiring;

const SYNC: ChangedBy = { name: 'the Entra group sync', surface: 'system' };

/** The agency a map is for; a map made before the partnership had agencies counts as the lead agency's. */
const mapAgencyOf = (map: GroupMap, partnership: Partnership) => map.agency ?? partnership.leadAgencyId;

/** Whether a map applies to a person: it gives its role within one agency, so only to that agency's people. */
export const mapAppliesTo = (map: GroupMap, person: Pick<Person, 'agency'>, partnership: Partnership) =>
  !partnership.leadAgencyId || agencyOf(person, partnership) === mapAgencyOf(map, partnership);

export type GroupRoleChange = { change: 'grant' | 'revoke'; role: Role; groupId: string };

/**
 * What a person's group roles should become, given the maps and the members of each group that
 * could be read (`members`: group id to lower-case object ids). A group missing from `members`
 * could not be read: its roles stay as they are. A group grant with no map that applies to the
 * person any more (unmapped, or they moved agency) goes. Direct grants are never touched.
 */
export function groupRoleChanges(
  person: Person,
  maps: GroupMap[],
  members: ReadonlyMap<string, ReadonlySet<string>>,
  partnership: Partnership,
): GroupRoleChange[] {
  const applicable = maps.filter((m) => mapAppliesTo(m, person, partnership));
  const held = grantsOf(person).flatMap((g) => (g.source.kind === 'group' ? [{ role: g.role, groupId: g.source.groupId }] : []));
  const oid = person.aadObjectId?.toLowerCase();
  const changes: GroupRoleChange[] = [];
  for (const map of applicable) {
    const readable = members.get(map.groupId);
    if (!readable) continue;
    const member = person.active && !!oid && readable.has(oid);
    const holds = held.some((h) => h.role === map.role && h.groupId === map.groupId);
    if (member && !holds && !changes.some((c) => c.role === map.role && c.groupId === map.groupId))
      changes.push({ change: 'grant', role: map.role, groupId: map.groupId });
    if (!member && holds && !changes.some((c) => c.role === map.role && c.groupId === map.groupId))
      changes.push({ change: 'revoke', role: map.role, groupId: map.groupId });
  }
  for (const h of held) if (!applicable.some((m) => m.role === h.role && m.groupId === h.groupId)) changes.push({ change: 'revoke', ...h });
  return changes;
}

async function apply(deps: { store: Store; clock: Clock }, person: Person, changes: GroupRoleChange[]): Promise<Person> {
  let current = person;
  for (const c of changes) {
    const result =
      c.change === 'grant'
        ? await commitRoleChange(deps, {
            what: 'grant',
            orgId: person.orgId,
            personId: person.id,
            grant: { role: c.role, source: { kind: 'group', groupId: c.groupId, at: deps.clock.now().toISOString() } },
            by: SYNC,
          })
        : await commitRoleChange(deps, { what: 'revoke', orgId: person.orgId, personId: person.id, role: c.role, from: { groupId: c.groupId }, by: SYNC });
    current = result.person ?? current;
  }
  return current;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * A mapped group Graph would not let us read: recorded, and each administrator who could fix the
 * map (the partnership's, and the map's agency's) told once for as long as the problem lasts.
 */
async function reportUnreadableGroup(deps: { store: Store; clock: Clock }, orgId: string, groupId: string, maps: GroupMap[], detail: string): Promise<void> {
  const problem = await setGroupProblem(deps.store, orgId, groupId, { since: deps.clock.now().toISOString(), detail });
  if (!problem) return;
  const partnership = await partnershipFor(deps, orgId);
  const mapped = maps.filter((m) => m.groupId === groupId);
  const agencies = new Set(mapped.map((m) => mapAgencyOf(m, partnership)));
  const admins = (await new Directory(deps.store).withRole({ orgId }, 'admin')).filter(
    (p) => p.active && (isPartnershipAdministrator(p, partnership) || agencies.has(agencyOf(p, partnership))),
  );
  for (const admin of admins) {
    await enqueue(deps.store, deps.clock, {
      id: `roles-group-${groupId}-${problem.since.replace(/[^0-9]/g, '')}-to-${admin.id}`,
      orgId,
      purpose: 'admin-notice',
      recipient: { personId: admin.id },
      message: {
        kind: 'notice',
        title: 'An Entra group’s roles cannot be read',
        text:
          `Microsoft Graph would not let the tracker read the members of the Entra group ${groupId}, mapped to ${[...new Set(mapped.map((m) => m.role))].join(', ')} (${problem.detail}). ` +
          'Who holds those roles is left as it was until the group can be read. To fix it, check that the group still exists, and have a Global or Privileged Role Administrator grant the app registration ' +
          'the Microsoft Graph application permission GroupMember.Read.All with admin consent. The next daily roles run reads it again (npm run cli -- roles maps shows the problem).',
      },
    });
  }
}

export type GroupSyncSummary = { groups: number; unreadable: number; granted: number; removed: number };

/**
 * The daily roles run: reads every mapped group's transitive members through Graph (paced, each
 * page in turn; the adapter honours Retry-After), then gives each person the roles of the groups
 * they are in and takes away those of groups they have left. A group that cannot be read changes nobody.
 */
export async function syncGroupRoles(deps: GroupRolesDeps, orgId: string): Promise<GroupSyncSummary> {
  const doc = await readRoleMaps(deps.store, orgId);
  const partnership = await partnershipFor(deps, orgId);
  const limiter = new Bottleneck({ maxConcurrent: 1, minTime: Math.ceil(1000 / deps.readsPerSecond) });
  const pace = <T>(request: () => Promise<T>) => limiter.schedule(request);
  const members = new Map<string, Set<string>>();
  const groupIds = [...new Set(doc.maps.map((m) => m.groupId))];
  for (const groupId of groupIds) {
    try {
      members.set(groupId, new Set(await deps.groups.transitiveMemberIds(groupId, pace)));
      await setGroupProblem(deps.store, orgId, groupId, undefined);
    } catch (e) {
      await reportUnreadableGroup(deps, orgId, groupId, doc.maps, errorText(e));
    }
  }
  const summary: GroupSyncSummary = { groups: groupIds.length, unreadable: groupIds.length - members.size, granted: 0, removed: 0 };
  const everyone = await new Directory(deps.store).all({ orgId });
  for (const person of everyone) {
    const changes = groupRoleChanges(person, doc.maps, members, partnership);
    if (changes.length === 0) continue;
    await apply(deps, person, changes);
    summary.granted += changes.filter((c) => c.change === 'grant').length;
    summary.removed += changes.filter((c) => c.change === 'revoke').length;
  }
  return summary;
}

/** How long a sign-in's group roles, and a group's members, are trusted before Graph is asked again. */
export const SIGN_IN_ROLES_TTL_MS = 5 * 60_000;
/** A sign-in waits this long for Graph at most; a slower answer applies for the next request. */
const SIGN_IN_WAIT_MS = 2_000;

/**
 * Roles at sign-in to the bot or the tab: the bootstrap setting, and the person's group roles read
 * afresh (cached a few minutes per person and per group, so a burst of requests asks Graph once).
 * A group that cannot be read now leaves their roles as they were; the daily run reports it.
 */
export class SignInRoles {
  private readonly refreshed: LRUCache<string, true>;
  private readonly members: LRUCache<string, Promise<Set<string>>>;

  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: Logger; bootstrapObjectIds: readonly string[]; groups?: GroupDirectory | undefined },
    private readonly options: { ttlMs?: number; waitMs?: number } = {},
  ) {
    const ttl = options.ttlMs ?? SIGN_IN_ROLES_TTL_MS;
    this.refreshed = new LRUCache({ max: 20_000, ttl });
    this.members = new LRUCache({ max: 1_000, ttl });
  }

  /** The person with their roles brought up to date (or as they were, if that is not possible in time). */
  async refresh(person: Person): Promise<Person> {
    if (this.refreshed.has(person.id)) return person;
    this.refreshed.set(person.id, true);
    try {
      let current = person;
      if (this.deps.bootstrapObjectIds.length && person.aadObjectId)
        current = (await applyBootstrapAdmins(this.deps, person.orgId, this.deps.bootstrapObjectIds, person))[0] ?? current;
      if (!this.deps.groups) return current;
      const refreshing = this.groupRoles(current);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.options.waitMs ?? SIGN_IN_WAIT_MS)));
      const fresh = await Promise.race([refreshing, late]).finally(() => clearTimeout(timer));
      return fresh ?? current;
    } catch (e) {
      this.deps.logger.warn({ err: e, personId: person.id }, 'could not refresh roles at sign-in; kept as they were');
      return person;
    }
  }

  private async groupRoles(person: Person): Promise<Person> {
    try {
      const doc = await readRoleMaps(this.deps.store, person.orgId);
      const partnership = await partnershipFor(this.deps, person.orgId);
      const relevant = [...new Set(doc.maps.filter((m) => mapAppliesTo(m, person, partnership)).map((m) => m.groupId))];
      const members = new Map<string, Set<string>>();
      for (const groupId of relevant) {
        let read = this.members.get(groupId);
        if (!read) {
          read = this.deps.groups!.transitiveMemberIds(groupId).then((ids) => new Set(ids));
          this.members.set(groupId, read);
          read.catch(() => this.members.delete(groupId));
        }
        try {
          members.set(groupId, await read);
        } catch (e) {
          this.deps.logger.warn({ err: e, groupId }, 'a mapped Entra group could not be read at sign-in; its roles are kept as they were');
        }
      }
      // Read again: the bootstrap grant or another request may have changed the record meanwhile.
      const latest = (await new Directory(this.deps.store).get(person.orgId, person.id)) ?? person;
      const changes = groupRoleChanges(latest, doc.maps, members, partnership);
      return changes.length ? await apply(this.deps, latest, changes) : latest;
    } catch (e) {
      this.deps.logger.warn({ err: e, personId: person.id }, 'could not refresh group roles at sign-in; kept as they were');
      return person;
    }
  }
}
