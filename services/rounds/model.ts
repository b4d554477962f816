/**
 * An update round: "all leads update by <date>", typically before the quarterly Named
 * Safeguarding Officers meeting. Stored in its own container.
 */
export type UpdateRound = {
  id: string;
  orgId: string;
  kind: 'update-round';
  dueBy: string;
  startedAt: string;
  startedBy: { personId: string; name: string };
  status: 'open' | 'closed';
  /** Started by an agency's administrator: only that agency's leads were asked. Unset: the whole partnership's. */
  agency?: string;
  /** The organisation's time zone when the round started: its summaries say when their figures were taken in it. */
  timeZone?: string;
  /**
   * The leads and the actions that were open when the round started, with where each lead stood
   * at the last summary (`state`, and `seen`: they opened and acted on a request or chaser).
   */
  leads: RoundLead[];
  /**
   * When the round upkeep had asked every lead and stamped every action (see setUpRound). Until
   * then `leads` may be empty: `start round` answers at once and leaves that work to the upkeep.
   */
  setUpAt?: string;
  /** When the summary (the leads' states and the administrator's card) was last worked out. */
  summaryAt?: string;
  summaryVersion: number;
  summaryHash?: string;
};

export type RoundLead = {
  personId: string;
  name: string;
  /** The lead's agency when asked (unset: the lead agency's), so an agency's administrator follows only theirs. */
  agency?: string;
  actionIds: string[];
  state?: 'responded' | 'outstanding' | 'unreachable';
  seen?: boolean;
};

/**
 * "Something this round's summary counts has changed": written (once) when an answer or a seen
 * card may change a lead's part, so the round upkeep refreshes the summary within a minute
 * instead of the request doing it. A small document of its own, so the answer never reads or
 * rewrites the round (hundreds of KB for a county).
 */
export type RoundChange = { id: string; orgId: string; kind: 'round-change'; roundId: string; at: string };
