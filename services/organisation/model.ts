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
};

/**
 * Whose data a read covers: the whole organisation, or one partner agency inside it. An undefined
 * `agency` means the whole organisation. Agencies themselves come with the partnership work; the
 * repositories take the scope now so their callers do not change again then.
 */
export type Scope = { orgId: string; agency?: string };
