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

/** The words for why someone gets nothing in Teams, shared by the outbox's status and the reach list. */
export const NOT_IN_TEAMS = {
  notInDirectory: 'not in the people directory',
  notLinked: 'not linked to a Microsoft 365 account in this organisation',
  notOpened: 'has not opened the app, and it has not been installed for them yet',
  removed: 'removed or blocked the app in Teams',
} as const;

/**
 * Why a person has no working chat with the bot. Someone who opened the app but is linked to no
 * directory person has a chat the bot cannot tie to them: that is "not linked", not "not installed".
 */
export function whyNotInTeams(person: { aadObjectId?: string } | undefined, conversation: ConversationRecord | undefined): string {
  if (!person) return NOT_IN_TEAMS.notInDirectory;
  if (conversation && !conversation.reachable) return conversation.unreachableReason ?? NOT_IN_TEAMS.removed;
  return person.aadObjectId ? NOT_IN_TEAMS.notOpened : NOT_IN_TEAMS.notLinked;
}
