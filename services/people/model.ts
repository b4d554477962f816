/**
 * What a person may do. The escalation ladder's default stages are addressed by role: managers,
 * heads of service, the partnership business manager and the partnership executive.
 */
export const ROLES = ['admin', 'hr', 'safeguarding-lead', 'officer', 'manager', 'head-of-service', 'business-manager', 'partnership-executive'] as const;
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
  roles: Role[];
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
