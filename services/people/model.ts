/**
 * What a person may do. The escalation ladder's default stages are addressed by role: managers,
 * heads of service, the partnership business manager and the partnership executive. `s11-lead`
 * completes their agency's Section 11 self-assessment (services/section11).
 */
export const ROLES = [
  'admin',
  'hr',
  'safeguarding-lead',
  'officer',
  'manager',
  'head-of-service',
  'business-manager',
  'partnership-executive',
  's11-lead',
] as const;
export type Role = (typeof ROLES)[number];

export type Person = {
  id: string;
  orgId: string;
  name: string;
  email?: string;
  /**
   * Entra ID object id: the identity Teams gives us for the acting user. Set only from a verified
   * key (the HR import, an administrator, or a UPN in the home tenant), never from a name or email.
   */
  aadObjectId?: string;
  /** The Entra tenant that object id belongs to; a request from any other tenant is not this person. */
  aadTenantId?: string;
  /**
   * The id of the partnership agency they work for (services/organisation/agencies.ts); blank
   * counts as the lead agency's. Their roles apply within this agency (services/access/policy.ts).
   */
  agency?: string;
  employeeId?: string;
  department?: string;
  jobTitle?: string;
  /**
   * The roles they hold, as the access policy reads them (and the store indexes them). Worked out
   * from `roleGrants` whenever roles change (services/people/roles-repository.ts); `officer` is
   * everyone's and is never granted.
   */
  roles: Role[];
  /** Where each role came from; a role in `roles` with no grant here was given before sources were recorded (see grantsOf). */
  roleGrants?: RoleGrant[];
  active: boolean;
  /** The day the HR file first showed them as a leaver: their training records are kept RETAIN_LEAVER_TRAINING_YEARS from it. */
  leftOn?: string;
  /** Their line manager, for training digests and the first stage of a raised escalation. */
  managerId?: string;
  /** While on leave (up to and including `until`), reminders go to the delegate, who may also update. */
  leave?: { until: string; delegateId: string };
  /** How they want messages: Teams (the default, email only when Teams cannot reach them), email, or both. */
  notifyBy?: NotifyBy;
};

/** Roles an administrator grants or maps to a group: every role but `officer`, which everyone holds. */
export const GRANTABLE_ROLES = ROLES.filter((r) => r !== 'officer') as Exclude<Role, 'officer'>[];

/**
 * Where one held role came from: an Entra security group mapped to it, a grant by an administrator
 * (or the operator at the command line), the BOOTSTRAP_ADMIN_OBJECT_IDS setting, or a record from
 * before sources were kept (the demo data, earlier versions). Only a group grant is ever taken away
 * by a group sync.
 */
export type RoleSource =
  | { kind: 'group'; groupId: string; at: string }
  | { kind: 'direct'; by: { personId?: string; name: string }; at: string }
  | { kind: 'bootstrap'; at: string }
  | { kind: 'earlier' };
export type RoleGrant = { role: Role; source: RoleSource };

/** Whether two grants are the same one (a role from one group, or the same kind of non-group grant). */
export const sameGrant = (a: RoleGrant, b: RoleGrant) =>
  a.role === b.role && a.source.kind === b.source.kind && (a.source.kind !== 'group' || a.source.groupId === (b.source as { groupId: string }).groupId);

/**
 * Every grant behind a person's roles. A role held with no recorded grant (set before sources were
 * kept, by the demo seed or an older version) counts as a direct grant from earlier, so a group sync
 * never removes it.
 */
export function grantsOf(person: Pick<Person, 'roles' | 'roleGrants'>): RoleGrant[] {
  const recorded = person.roleGrants ?? [];
  const unexplained = person.roles.filter((r) => r !== 'officer' && !recorded.some((g) => g.role === r));
  return [...recorded, ...unexplained.map((role): RoleGrant => ({ role, source: { kind: 'earlier' } }))];
}

/** The roles a set of grants gives: each granted role once, and `officer` for anyone who held it or holds nothing else. */
export function rolesFrom(grants: RoleGrant[], before: readonly Role[]): Role[] {
  const granted = ROLES.filter((r) => r !== 'officer' && grants.some((g) => g.role === r));
  return before.includes('officer') || granted.length === 0 ? ['officer', ...granted] : granted;
}

export const NOTIFY_CHOICES = ['teams', 'email', 'both'] as const;
export type NotifyBy = (typeof NOTIFY_CHOICES)[number];

/** The person covering for `person` today, if they are on leave. */
export function coverFor(person: Pick<Person, 'leave'>, today: string): string | undefined {
  return person.leave && person.leave.until >= today ? person.leave.delegateId : undefined;
}

/** Names from spreadsheets differ in case and spacing only; anything else is a different name. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** An Entra object or tenant id: a GUID. */
export const isEntraId = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export function hasRole(person: Pick<Person, 'roles'> | undefined, ...roles: Role[]): boolean {
  return !!person && person.roles.some((r) => roles.includes(r));
}

export type NameMatch = { kind: 'found'; person: Person } | { kind: 'none' } | { kind: 'ambiguous'; candidates: Person[] };

/** Exact match after normalising case and spacing; two people with the name is ambiguous, never a guess. */
export function matchByName(people: Person[], name: string): NameMatch {
  const wanted = normaliseName(name);
  const candidates = people.filter((p) => p.active && normaliseName(p.name) === wanted);
  if (candidates.length === 1) return { kind: 'found', person: candidates[0]! };
  return candidates.length === 0 ? { kind: 'none' } : { kind: 'ambiguous', candidates };
}
