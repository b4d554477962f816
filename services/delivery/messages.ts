import { messageKind } from '../kernel/message-kinds';
import type { Rag } from '../plan/model';

/**
 * What a proactive message says, as data. The outbox stores this; the Teams adapter renders it
 * as a card when sending, so the domain never builds cards itself.
 */
export type DigestLine = {
  actionId: string;
  ref: string;
  description: string;
  /** Why this action is in the digest, in words, e.g. "due in 7 working days (30 Nov 2026)". */
  why: string;
  status: Rag;
  /** Whose action it is, when the recipient is covering for someone on leave. */
  leadName?: string;
  /** The reminder's reason: due today is the one that notifies. */
  dueToday?: boolean;
};

export type OutboundMessage =
  /**
   * `outboxId`: the outbox item the digest goes out as, so its card can page through the lines
   * ("Show 5 more") without carrying them. `dueToday`: something in it is due today, so Teams
   * notifies the person (activity feed), not only the chat.
   */
  | { kind: 'reminder-digest'; heading: string; intro: string; lines: DigestLine[]; snoozeChoices: number[]; outboxId?: string; dueToday?: boolean }
  /** `seen`: those of `outstanding` who have opened and acted on their request (absent in summaries from before read tracking). */
  // `timeZone`: the organisation's, for `asAt`; absent on summaries queued before it was recorded.
  | {
      kind: 'round-summary';
      roundId: string;
      heading: string;
      dueBy: string;
      responded: string[];
      outstanding: string[];
      seen?: string[];
      unreachable: string[];
      asAt: string;
      timeZone?: string;
    }
  /**
   * `namesOthers`: the text names people other than its recipient (a list of who cannot be reached,
   * a team's training, who reports a completion). Such details stay in Teams: an email says only
   * that there is something to see there, as an escalation's email does.
   */
  | { kind: 'notice'; title: string; text: string; namesOthers?: true }
  /** An invitation (chaser 0) or the n-th reminder to answer a questionnaire. */
  | { kind: 'questionnaire-invite'; campaignId: string; title: string; closesOn: string; anonymous: boolean; chaser: number }
  | {
      kind: 'escalation-alert';
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
    }
  /** The alert a team channel gets: only what every member of the channel may see. */
  | { kind: 'escalation-channel-alert'; escalationId: string; ref: string; stage: string; deadline: string; resolved: boolean }
  /**
   * A message kind a feature module declares (FeatureModule.messages), rendered by its own card and
   * email renderers. `namesOthers` as for a notice: the email then says only that there is something in Teams.
   */
  | { kind: 'feature'; type: string; payload: Record<string, unknown>; namesOthers?: true };

/**
 * Whether a message should reach the person's Teams activity feed (with its notification), not
 * only the chat: an escalation alert, and a reminder digest with something due today.
 */
export function notifies(message: OutboundMessage): boolean {
  if (message.kind === 'feature') return messageKind(message.type).notifies === true;
  return message.kind === 'escalation-alert' || (message.kind === 'reminder-digest' && message.dueToday === true);
}
