/**
 * Why someone is, or is not, reachable in Teams after the last reach run. Kept per person so a
 * person the app is blocked for is not tried again every day, and the report can say why.
 */
export type ReachState = {
  /** `person-<personId>` */
  id: string;
  orgId: string;
  kind: 'person';
  personId: string;
  outcome: 'installed' | 'blocked' | 'not-in-tenant' | 'removed-app' | 'no-entra-id' | 'failed';
  reason: string;
  attempts: number;
  lastAttemptAt: string;
  /** No install is tried for this person before then. */
  retryAfter?: string;
};

/** An organisation-wide Graph problem (a permission not granted), reported to administrators once until it clears. */
export type ReachProblem = {
  /** `problem-graph-permission` */
  id: string;
  orgId: string;
  kind: 'problem';
  since: string;
  detail: string;
  clearedAt?: string;
};

export type ReachDoc = ReachState | ReachProblem;
