import { createHash } from 'node:crypto';

/** Builders for activities shaped like the ones Microsoft Teams posts to a bot's messaging endpoint. */

export const TEST_TENANT_ID = '5f0c3b2e-6a1d-4c8e-9b7a-2d4e6f8a0c1e';
export const TEST_BOT_ID = '7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40';
export const TEST_BOT_NAME = 'Safeguarding Action Tracker';
export const TEST_TEAM_ID = '19:0f6a3c8d2e5b4a7f9c1d3e5a7b9c1d3e@thread.tacv2';

export type TeamsUser = { id: string /* '29:...' */; aadObjectId: string; name: string; tenantId?: string };

let sequence = 0;

// Teams message ids are epoch-millisecond strings; a counter keeps them unique within a run.
function nextMessageId(): string {
  sequence += 1;
  return String(1_700_000_000_000 + sequence);
}

/** The 1:1 chat between the bot and a user: opaque and stable, as Teams makes it ('a:1…'). */
export function personalConversationId(user: Pick<TeamsUser, 'id'>): string {
  return `a:1${createHash('sha256').update(user.id).digest('base64url').slice(0, 40)}`;
}

type Scope = { tenantId: string; teamId?: string; channelId?: string };

function scopeOf(user: TeamsUser, opts: { tenantId?: string; teamId?: string; channelId?: string }): Scope {
  const scope: Scope = { tenantId: opts.tenantId ?? user.tenantId ?? TEST_TENANT_ID };
  if (opts.teamId !== undefined) scope.teamId = opts.teamId;
  if (opts.channelId !== undefined) scope.channelId = opts.channelId;
  return scope;
}

function conversationFor(user: TeamsUser, scope: Scope): Record<string, unknown> {
  if (scope.teamId === undefined) {
    return { conversationType: 'personal', tenantId: scope.tenantId, id: personalConversationId(user) };
  }
  // A team's General channel has the team's own id.
  return { isGroup: true, conversationType: 'channel', tenantId: scope.tenantId, id: scope.channelId ?? scope.teamId };
}

function channelDataFor(scope: Scope): Record<string, unknown> {
  const data: Record<string, unknown> = { tenant: { id: scope.tenantId } };
  if (scope.teamId !== undefined) {
    data.team = { id: scope.teamId, name: 'Safeguarding Team', aadGroupId: 'b1f2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' };
    data.channel = { id: scope.channelId ?? scope.teamId, name: scope.channelId === undefined ? 'General' : 'Safeguarding' };
  }
  return data;
}

function envelope(opts: { serviceUrl: string; user: TeamsUser; botId?: string | undefined }, scope: Scope, id = nextMessageId()): Record<string, any> {
  const now = new Date();
  return {
    id,
    timestamp: now.toISOString(),
    localTimestamp: now.toISOString(),
    locale: 'en-GB',
    localTimezone: 'Europe/London',
    serviceUrl: opts.serviceUrl,
    channelId: 'msteams',
    from: { id: opts.user.id, name: opts.user.name, aadObjectId: opts.user.aadObjectId },
    conversation: conversationFor(opts.user, scope),
    recipient: { id: `28:${opts.botId ?? TEST_BOT_ID}`, name: TEST_BOT_NAME },
    entities: [{ type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web', timezone: 'Europe/London' }],
    channelData: channelDataFor(scope),
  };
}

export function messageActivity(opts: { serviceUrl: string; user: TeamsUser; text: string; tenantId?: string; botId?: string }): any {
  // Teams also attaches the HTML rendering of what the user typed.
  const html = opts.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    ...envelope(opts, scopeOf(opts.user, opts)),
    type: 'message',
    textFormat: 'plain',
    text: opts.text,
    attachments: [{ contentType: 'text/html', content: `<p>${html}</p>` }],
  };
}

/** What Teams posts when a user presses an Action.Execute button on a card the bot sent. */
export function invokeActionExecute(opts: {
  serviceUrl: string;
  user: TeamsUser;
  verb: string;
  data: Record<string, unknown>;
  tenantId?: string;
  replyToId?: string;
}): any {
  const activity = envelope(opts, scopeOf(opts.user, opts), `f:${nextMessageId()}`);
  activity.channelData.source = { name: 'message' };
  if (opts.replyToId !== undefined) {
    activity.replyToId = opts.replyToId;
    activity.channelData.legacy = { replyToId: opts.replyToId };
  }
  return {
    ...activity,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: opts.verb, data: opts.data }, trigger: 'manual' },
  };
}

export function installationUpdate(opts: {
  serviceUrl: string;
  user: TeamsUser;
  action: 'add' | 'remove';
  scope?: 'personal' | 'team';
  teamId?: string;
  channelId?: string;
  tenantId?: string;
}): any {
  const team = opts.scope === 'team' || (opts.scope === undefined && opts.teamId !== undefined);
  const scope = scopeOf(opts.user, { ...opts, teamId: team ? (opts.teamId ?? TEST_TEAM_ID) : undefined });
  const activity = envelope(opts, scope);
  activity.channelData.source = null;
  if (scope.teamId !== undefined) activity.channelData.settings = { selectedChannel: { id: scope.channelId ?? scope.teamId } };
  return { ...activity, type: 'installationUpdate', action: opts.action };
}

/** The conversationUpdate Teams sends when the bot itself joins a personal chat or a team. */
export function conversationUpdateMembersAdded(opts: { serviceUrl: string; user: TeamsUser; tenantId?: string; teamId?: string; channelId?: string }): any {
  const activity = envelope(opts, scopeOf(opts.user, opts));
  if (opts.teamId !== undefined) activity.channelData.eventType = 'teamMemberAdded';
  return { ...activity, type: 'conversationUpdate', membersAdded: [{ id: activity.recipient.id }] };
}

/** Posts an activity to the bot as the Bot Connector would; the body is JSON when it parses as JSON. */
export async function postActivity(appBaseUrl: string, activity: any, headers?: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${appBaseUrl.replace(/\/+$/, '')}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  let body: any = undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body };
}

/** The text of every TextBlock/TextRun/fact and link in a card, for assertions that read like the card. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      for (const k of ['text', 'title', 'value', 'url']) if (typeof o[k] === 'string') out.push(o[k] as string);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}

/** A button on a card: an Action.Execute's title, verb and the data it sends back. */
export type CardButton = { title: string; verb: string; data: Record<string, unknown> };

/** Every Action.Execute on a card, wherever it sits (the card's actions or an ActionSet in its body). */
export function cardButtons(card: unknown): CardButton[] {
  const found: CardButton[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.Execute') found.push({ title: String(o.title), verb: String(o.verb), data: (o.data ?? {}) as Record<string, unknown> });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The rows of every table on the cards (cards or an invoke's answer, as JSON), as the cells' text. */
export function tableRows(cardsJson: string): string[][] {
  const rows: string[][] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as { type?: string; cells?: { items: { text: string }[] }[] };
      if (o.type === 'TableRow' && o.cells) rows.push(o.cells.map((c) => c.items.map((i) => i.text).join(' ')));
      else Object.values(o).forEach(visit);
    }
  };
  visit(JSON.parse(cardsJson));
  return rows;
}
