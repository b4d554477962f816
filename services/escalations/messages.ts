/** An escalation's alert to one person: to act at this stage, or for information. */
export type EscalationAlert = {
  escalationId: string;
  heading: string;
  /** Why this recipient got it: asked to act at this stage, or informed. */
  role: 'act' | 'inform';
  /** This stage has been acknowledged: the card no longer offers Acknowledge. */
  acknowledged?: boolean;
  stage: string;
  deadline: string;
  summary: string;
  facts: { title: string; value: string }[];
  note?: string;
};

/** The alert a team channel gets: only what every member of the channel may see. */
export type EscalationChannelAlert = { escalationId: string; ref: string; stage: string; deadline: string; resolved: boolean };

// The outbox's union gains the alerts here (see OutboundMessageKinds); the escalations module renders them.
declare module '../delivery/messages' {
  interface OutboundMessageKinds {
    'escalation-alert': EscalationAlert;
    'escalation-channel-alert': EscalationChannelAlert;
  }
}
