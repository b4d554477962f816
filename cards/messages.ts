import { messageKind, storedKind } from '../services/kernel/message-kinds';
import type { OutboundMessage } from '../services/delivery/messages';
import type { AdaptiveCardJson } from './render';
import { noticeCard } from './views';

/**
 * The card for each kind of proactive message the outbox holds; `botId` is the sending bot's Teams
 * id, for links to its 1:1 chat. A notice is the kernel's; every other kind is rendered by the
 * feature module that declares it (FeatureModule.messages, or storedMessages for the kinds queued
 * under their own names), so this names no feature.
 */
export function renderMessage(message: OutboundMessage, botId = ''): AdaptiveCardJson {
  switch (message.kind) {
    case 'notice':
      return noticeCard(message.title, message.text);
    case 'feature':
      return messageKind(message.type).card(message.payload, botId);
    default:
      return storedKind(message.kind).card(message, botId);
  }
}
