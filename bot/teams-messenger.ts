import type { AppCredentials } from 'botframework-connector';
import { connectorCredentials } from './bot-credentials';
import { renderMessage } from '../cards/messages';
import { notifies, type OutboundMessage } from '../services/delivery/messages';
import type { Config } from '../services/core/config';
import type { ConversationRecord } from '../services/conversations/model';
import { DeliveryFailure, type Messenger } from '../services/delivery/ports';

/** A send with no answer by then is given up and retried later, like a 503. */
const SEND_TIMEOUT_MS = 15_000;

/**
 * Retry-After in seconds or as an HTTP date. No header means no advice (the engine then backs
 * off by itself), not "retry at once".
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Proactive messages over the Bot Connector REST API. It calls the API directly rather than
 * through botbuilder's client because that client retries on its own (including 500s) and hides
 * the status and Retry-After that the delivery engine's rules are written against.
 */
export class TeamsMessenger implements Messenger {
  private readonly credentials?: AppCredentials;

  constructor(
    config: Config,
    private readonly timeoutMs = SEND_TIMEOUT_MS,
  ) {
    if (config.localMode) return;
    this.credentials = connectorCredentials(config);
  }

  private async call(method: 'POST' | 'PUT', conversation: ConversationRecord, path: string, body: unknown): Promise<{ id?: string }> {
    const base = conversation.serviceUrl.endsWith('/') ? conversation.serviceUrl : `${conversation.serviceUrl}/`;
    const url = new URL(`v3/conversations/${encodeURIComponent(conversation.conversationId)}/activities${path}`, base);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.credentials) headers.authorization = `Bearer ${await this.credentials.getToken()}`;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      // No answer at all (refused, reset, timed out): transient as far as we can tell.
      throw new DeliveryFailure(0, `no answer from the Bot Connector: ${(e as Error).name}`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new DeliveryFailure(res.status, text.slice(0, 300), retryAfterMs(res.headers.get('retry-after')));
    }
    return text ? (JSON.parse(text) as { id?: string }) : {};
  }

  private activity(conversation: ConversationRecord, message: OutboundMessage) {
    const card = renderMessage(message, conversation.botId);
    return {
      type: 'message',
      from: { id: conversation.botId },
      // Teams needs the tenant on a proactive message; it is also what its per-tenant limit counts by.
      conversation: { id: conversation.conversationId, tenantId: conversation.tenantId },
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
    };
  }

  async send(conversation: ConversationRecord, message: OutboundMessage): Promise<{ activityId: string }> {
    // Teams puts a message with notification.alert in the activity feed too; an update of it in place does not notify again.
    const activity = notifies(message)
      ? { ...this.activity(conversation, message), channelData: { notification: { alert: true } } }
      : this.activity(conversation, message);
    const { id } = await this.call('POST', conversation, '', activity);
    return { activityId: id ?? '' };
  }

  async update(conversation: ConversationRecord, activityId: string, message: OutboundMessage): Promise<void> {
    await this.call('PUT', conversation, `/${encodeURIComponent(activityId)}`, { ...this.activity(conversation, message), id: activityId });
  }
}
