import { randomUUID } from 'node:crypto';
import { postActivity } from './teams-activities';

/**
 * The Microsoft 365 Agents Playground as it talks to a bot (`-c msteams`, its built-in mock data,
 * version 0.2.28): its made-up tenant, bot and user (whose ids are not Entra GUIDs), a personal chat
 * `<guid>@test.user`, and the activity shapes it posts. Opening the chat posts an installationUpdate
 * and a conversationUpdate at the same moment, neither naming the user; messages and card presses
 * do. The fake connector stands in for the Playground's own connector at `serviceUrl`.
 */
export const PLAYGROUND = {
  tenantId: '00000000-0000-0000-0000-0000000000001',
  bot: { id: '00000000-0000-0000-0000-00000000000011', name: 'Test Bot' },
  user: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
};

export class PlaygroundChat {
  readonly conversationId = `${randomUUID()}@test.user`;

  constructor(
    private readonly appUrl: string,
    private readonly serviceUrl: string,
  ) {}

  private base(withName: boolean): Record<string, any> {
    const now = new Date().toISOString();
    return {
      id: randomUUID(),
      timestamp: now,
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      recipient: { id: PLAYGROUND.bot.id, name: PLAYGROUND.bot.name },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: PLAYGROUND.tenantId },
      from: { id: PLAYGROUND.user.id, aadObjectId: PLAYGROUND.user.aadObjectId, ...(withName ? { name: PLAYGROUND.user.name } : {}) },
      channelData: { tenant: { id: PLAYGROUND.tenantId } },
      locale: 'en-US',
    };
  }

  private async post(activity: unknown): Promise<any> {
    const res = await postActivity(this.appUrl, activity);
    if (res.status >= 300) throw new Error(`the bot answered the Playground with HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** What the Playground posts when its personal chat opens: both at once, as it does. */
  async open(): Promise<void> {
    const install = {
      ...this.base(false),
      type: 'installationUpdate',
      action: 'add',
      channelData: { tenant: { id: PLAYGROUND.tenantId }, source: { name: 'message' }, settings: { selectedChannel: { id: this.conversationId } } },
      entities: [{ locale: 'en-US', type: 'clientInfo' }],
    };
    const added = {
      ...this.base(false),
      type: 'conversationUpdate',
      membersAdded: [{ id: PLAYGROUND.user.id, aadObjectId: PLAYGROUND.user.aadObjectId }, { id: PLAYGROUND.bot.id }],
    };
    await Promise.all([this.post(install), this.post(added)]);
  }

  /** Typing in the chat; the answer comes back through the connector. */
  say(text: string): Promise<unknown> {
    return this.post({ ...this.base(true), type: 'message', text, textFormat: 'plain', localTimestamp: new Date().toISOString() });
  }

  /** Pressing an Action.Execute button; the invoke's answer is the refreshed card. */
  async press(verb: string, data: Record<string, unknown>, replyToId?: string): Promise<any> {
    const body = await this.post({
      ...this.base(true),
      type: 'invoke',
      name: 'adaptiveCard/action',
      ...(replyToId ? { replyToId } : {}),
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    });
    return body?.value;
  }
}

/** The data of the first button anywhere in a card (an overflow included) with this verb. */
export function buttonData(card: unknown, verb: string): Record<string, unknown> | undefined {
  if (Array.isArray(card)) {
    for (const item of card) {
      const found = buttonData(item, verb);
      if (found) return found;
    }
  } else if (card && typeof card === 'object') {
    const node = card as Record<string, unknown>;
    if (node.verb === verb) return (node.data as Record<string, unknown>) ?? {};
    for (const value of Object.values(node)) {
      const found = buttonData(value, verb);
      if (found) return found;
    }
  }
  return undefined;
}
