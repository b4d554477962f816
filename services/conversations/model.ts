/**
 * Where the bot can reach someone proactively. Stored on install so reminders and alerts
 * survive restarts; the `reference` is what the Bot Framework needs to continue the conversation.
 */
export type ConversationRecord = {
  /** `personal-<aadObjectId>` for a 1:1 chat, `channel-<conversationId>` for a team channel. */
  id: string;
  orgId: string;
  kind: 'personal' | 'channel';
  tenantId: string;
  conversationId: string;
  serviceUrl: string;
  botId: string;
  user?: { aadObjectId: string; teamsUserId: string; name: string };
  personId?: string;
  /** Personal chats only: the user is not linked to the directory; when they last tried and why. */
  unlinked?: { firstTriedAt: string; lastTriedAt: string; reason: string };
  team?: { id: string; name?: string; channelId?: string };
  reachable: boolean;
  unreachableReason?: string;
  installedAt: string;
  updatedAt: string;
};

export function personalConversationKey(aadObjectId: string): string {
  return `personal-${aadObjectId}`;
}

export function channelConversationKey(conversationId: string): string {
  // Conversation ids contain ':' and '@', which are fine in Cosmos ids but not in every path; keep them readable.
  return `channel-${conversationId.replace(/[^A-Za-z0-9_.@:-]/g, '_')}`;
}
