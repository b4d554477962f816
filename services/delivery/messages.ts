import { messageKind, storedKind } from '../kernel/message-kinds';

/**
 * What a proactive message says, as data, by its `kind`. The outbox stores this; the Teams adapter
 * renders it as a card when sending, so the domain never builds cards itself.
 *
 * The kernel declares two kinds: a notice, which every feature sends, and the envelope of a
 * feature module's own message kinds. The kinds queued before modules declared their own
 * (`reminder-digest`, `round-summary`, `questionnaire-invite`, `escalation-alert`,
 * `escalation-channel-alert`) are each declared by their feature, by declaration merging into this
 * interface (as domain events are), beside the module that renders them (FeatureModule.storedMessages).
 * The outbox holds items under those names with their fields beside `kind`, so they keep both.
 */
export interface OutboundMessageKinds {
  /**
   * `namesOthers`: the text names people other than its recipient (a list of who cannot be reached,
   * a team's training, who reports a completion). Such details stay in Teams: an email says only
   * that there is something to see there, as an escalation's email does.
   */
  notice: { title: string; text: string; namesOthers?: true };
  /**
   * A message kind a feature module declares (FeatureModule.messages), rendered by its own card and
   * email renderers. `namesOthers` as for a notice: the email then says only that there is something in Teams.
   */
  feature: { type: string; payload: Record<string, unknown>; namesOthers?: true };
}

export type OutboundMessage = { [K in keyof OutboundMessageKinds]: { kind: K } & OutboundMessageKinds[K] }[keyof OutboundMessageKinds];

/** One kind of message, by its `kind`. */
export type MessageOf<K extends OutboundMessage['kind']> = Extract<OutboundMessage, { kind: K }>;

/** The kinds a feature declared into OutboundMessageKinds: the outbox keeps them under their own `kind`. */
export type StoredMessageKind = Exclude<OutboundMessage['kind'], 'notice' | 'feature'>;

/**
 * Whether a message should reach the person's Teams activity feed (with its notification), not
 * only the chat: as the kind's module says (an escalation alert, a reminder digest with something due today).
 */
export function notifies(message: OutboundMessage): boolean {
  switch (message.kind) {
    case 'notice':
      return false;
    case 'feature':
      return messageKind(message.type).notifies === true;
    default:
      return storedKind(message.kind).notifies?.(message) === true;
  }
}
