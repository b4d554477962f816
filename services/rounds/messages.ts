/**
 * The administrator's summary of an update round: who has answered, who has not, who cannot be
 * reached. `seen`: those of `outstanding` who have opened and acted on their request (absent in
 * summaries from before read tracking). `timeZone`: the organisation's, for `asAt`; absent on
 * summaries queued before it was recorded.
 */
export type RoundSummary = {
  roundId: string;
  heading: string;
  dueBy: string;
  responded: string[];
  outstanding: string[];
  seen?: string[];
  unreachable: string[];
  asAt: string;
  timeZone?: string;
};

// The outbox's union gains the summary here (see OutboundMessageKinds); the rounds module renders it.
declare module '../delivery/messages' {
  interface OutboundMessageKinds {
    'round-summary': RoundSummary;
  }
}
