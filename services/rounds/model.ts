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
  /** The leads and the actions that were open when the round started. */
  leads: { personId: string; name: string; actionIds: string[] }[];
  summaryVersion: number;
  summaryHash?: string;
};
