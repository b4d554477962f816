/**
 * An organisation's own settings: its time zone, and its overrides of the reminder policy, the
 * escalation rules and ladder, and the case reference format. Each override is validated when read
 * (see reminder-policy.ts and escalation-ladder.ts) and when set (settings.ts).
 */
export type Organisation = {
  id: string;
  orgId: string;
  name: string;
  timeZone: string;
  createdAt: string;
  /** Overrides of the default reminder policy; validated when read. */
  reminderPolicy?: Record<string, unknown>;
  /** Overrides of the escalation rules and ladder; validated when read. */
  escalationRules?: Record<string, unknown>;
  escalationLadder?: unknown[];
  /** The organisation's case reference format (a regular expression); checked when set. */
  caseReferencePattern?: string;
  /**
   * The partnership's lead agency (the council, usually): its administrators administer the whole
   * partnership, and people with no agency are counted as its staff. Set by the first `agency add`.
   */
  leadAgencyId?: string;
};

/**
 * A member agency of the partnership (the organisation is the partnership). Stored in the
 * organisations container beside the organisation document, under the id `agency:<agencyId>` so
 * that no agency can collide with the organisation's own document.
 */
export type Agency = {
  id: string;
  orgId: string;
  kind: 'agency';
  /** The slug people's `agency` field holds, from the name: "Thames Valley Police" → thames-valley-police. */
  agencyId: string;
  name: string;
  /** Its Entra tenants; empty for an agency whose staff are guests or reached by email only. */
  tenantIds: string[];
  createdAt: string;
};

export const agencyDocId = (agencyId: string) => `agency:${agencyId}`;

/**
 * Whose data a read covers: the whole organisation (the partnership), or one agency inside it. An
 * undefined `agency` means every agency. services/access/policy.ts `scopeFor` works it out from
 * the acting person; the repositories filter on it.
 */
export type Scope = { orgId: string; agency?: string };
