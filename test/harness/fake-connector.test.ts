import {
  ActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import restify from 'restify';
import { FakeConnector, SlidingWindowLimiter, TEAMS_RATE_LIMITS } from './fake-connector';
import {
  TEST_BOT_ID,
  TEST_TENANT_ID,
  type TeamsUser,
  conversationUpdateMembersAdded,
  installationUpdate,
  invokeActionExecute,
  messageActivity,
  personalConversationId,
  postActivity,
} from './teams-activities';

const alice: TeamsUser = { id: '29:1alice-teams-id', aadObjectId: '6a1c2b3d-0000-4000-8000-00000000a11c', name: 'Alice Example' };
const bob: TeamsUser = { id: '29:1bob-teams-id', aadObjectId: '6a1c2b3d-0000-4000-8000-000000000b0b', name: 'Bob Example' };

/** A deliberately tiny bot: just enough turns to exercise each connector route. */
class ProbeBot extends ActivityHandler {
  references: Partial<ConversationReference>[] = [];
  errors: unknown[] = [];

  constructor() {
    super();
    this.onMessage(async (context, next) => {
      this.references.push(TurnContext.getConversationReference(context.activity));
      const text = context.activity.text ?? '';
      try {
        if (text === 'who am i') {
          const member = await TeamsInfo.getMember(context, context.activity.from.id);
          await context.sendActivity(`${member.name} <${member.email}> ${member.aadObjectId}`);
        } else if (text === 'edit') {
          const sent = await context.sendActivity('draft');
          await context.updateActivity({ id: sent?.id, type: 'message', text: 'final' });
        } else {
          await context.sendActivity(`echo: ${text}`);
        }
      } catch (e) {
        // Recorded rather than rethrown so a test can inspect what the connector error looked like.
        this.errors.push(e);
      }
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(_context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    // Answering with a card replaces the card the button was on.
    const text = `done: ${value.action.verb} ${JSON.stringify(value.action.data)}`;
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text }] },
    };
  }
}

let connector: FakeConnector;
let adapter: CloudAdapter;
let bot: ProbeBot;
let server: restify.Server;
let appUrl: string;

beforeAll(async () => {
  connector = await FakeConnector.start();
  // No MicrosoftAppId: the adapter skips JWT validation and sends no bearer token.
  adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  bot = new ProbeBot();
  server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  appUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterEach(() => {
  connector.reset();
  bot.references = [];
  bot.errors = [];
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await connector.close();
});

describe('teams activities', () => {
  it('look like what Teams posts', () => {
    const message = messageActivity({ serviceUrl: connector.serviceUrl, user: alice, text: 'hi' });
    expect(message).toMatchObject({
      type: 'message',
      channelId: 'msteams',
      locale: 'en-GB',
      serviceUrl: connector.serviceUrl,
      from: { id: alice.id, aadObjectId: alice.aadObjectId, name: alice.name },
      recipient: { id: `28:${TEST_BOT_ID}` },
      conversation: { id: personalConversationId(alice), conversationType: 'personal', tenantId: TEST_TENANT_ID },
      channelData: { tenant: { id: TEST_TENANT_ID } },
    });
    expect(personalConversationId(alice)).toMatch(/^a:1/);
    expect(personalConversationId(alice)).not.toBe(personalConversationId(bob));

    const teamInstall = installationUpdate({ serviceUrl: connector.serviceUrl, user: alice, action: 'add', scope: 'team' });
    expect(teamInstall.conversation.conversationType).toBe('channel');
    expect(teamInstall.channelData.team.id).toBe(teamInstall.conversation.id);

    const added = conversationUpdateMembersAdded({ serviceUrl: connector.serviceUrl, user: alice });
    expect(added.membersAdded).toEqual([{ id: `28:${TEST_BOT_ID}` }]);
  });
});

describe('fake connector with a real CloudAdapter', () => {
  it('records the reply to a message, sent to the reply route of the inbound activity', async () => {
    const inbound = messageActivity({ serviceUrl: connector.serviceUrl, user: alice, text: 'hello' });
    const res = await postActivity(appUrl, inbound);

    expect(res.status).toBe(200);
    // The HTTP answer comes only after the turn, so the reply is already recorded.
    const [reply] = connector.activities({ conversationId: personalConversationId(alice), type: 'message' });
    expect(reply).toMatchObject({ text: 'echo: hello', replyToId: inbound.id, recipient: { id: alice.id }, from: { id: `28:${TEST_BOT_ID}` } });
    expect(reply.id).toEqual(expect.any(String));
    expect(connector.calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `/v3/conversations/${personalConversationId(alice)}/activities/${inbound.id}`,
        status: 201,
        activityId: inbound.id,
      }),
    ]);
  });

  it('returns an Action.Execute invoke response as the HTTP body', async () => {
    const res = await postActivity(appUrl, invokeActionExecute({ serviceUrl: connector.serviceUrl, user: alice, verb: 'complete', data: { actionId: 'A1' } }));

    expect(res).toEqual({
      status: 200,
      body: {
        statusCode: 200,
        type: 'application/vnd.microsoft.card.adaptive',
        value: { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'done: complete {"actionId":"A1"}' }] },
      },
    });
    expect(connector.calls).toHaveLength(0);
  });

  it('records a proactive send made with continueConversationAsync', async () => {
    await postActivity(appUrl, messageActivity({ serviceUrl: connector.serviceUrl, user: alice, text: 'remember me' }));
    const reference = bot.references[0];
    connector.reset();

    await adapter.continueConversationAsync('', reference!, async (context) => {
      await context.sendActivity('reminder: action A1 is due');
    });

    const [sent] = await connector.waitForActivities(1, { conversationId: personalConversationId(alice) });
    expect(sent).toMatchObject({ type: 'message', text: 'reminder: action A1 is due', conversation: { id: personalConversationId(alice) } });
    // The continuation activity gets a fresh uuid, and sends "reply" to it.
    expect(connector.calls[0]?.path).toMatch(new RegExp(`^/v3/conversations/${personalConversationId(alice)}/activities/[0-9a-f-]{36}$`));
  });

  it('records updateActivity as a PUT of the sent activity', async () => {
    await postActivity(appUrl, messageActivity({ serviceUrl: connector.serviceUrl, user: alice, text: 'edit' }));

    const [draft, final] = connector.activities();
    expect(draft.text).toBe('draft');
    expect(final).toMatchObject({ text: 'final', id: draft.id });
    expect(connector.calls.map((c) => [c.method, c.activityId, c.status])).toEqual([
      ['POST', expect.any(String), 201],
      ['PUT', draft.id, 200],
    ]);
  });

  it('records deleteActivity as a DELETE, not as an activity', async () => {
    await adapter.continueConversationAsync('', referenceFor(alice), async (context) => {
      await context.deleteActivity('1800000000001');
    });

    expect(connector.calls).toEqual([
      expect.objectContaining({ method: 'DELETE', path: `/v3/conversations/${personalConversationId(alice)}/activities/1800000000001`, status: 200 }),
    ]);
    expect(connector.activities()).toHaveLength(0);
  });

  it('answers TeamsInfo.getMember from setMember', async () => {
    connector.setMember({ id: alice.id, aadObjectId: alice.aadObjectId, name: alice.name, email: 'alice@council.example', tenantId: TEST_TENANT_ID });

    await postActivity(appUrl, messageActivity({ serviceUrl: connector.serviceUrl, user: alice, text: 'who am i' }));

    expect(connector.activities({ type: 'message' })[0]?.text).toBe(`Alice Example <alice@council.example> ${alice.aadObjectId}`);
    expect(connector.calls[0]).toMatchObject({ method: 'GET', path: `/v3/conversations/${personalConversationId(alice)}/members/${alice.id}`, status: 200 });
  });

  it('answers an unknown member with 404', async () => {
    await postActivity(appUrl, messageActivity({ serviceUrl: connector.serviceUrl, user: bob, text: 'who am i' }));

    expect(bot.errors).toHaveLength(1);
    expect(bot.errors[0]).toMatchObject({ statusCode: 404 });
  });

  it('pages members', async () => {
    for (let i = 0; i < 5; i++) connector.setMember({ id: `29:member-${i}`, name: `Member ${i}` });
    await adapter.continueConversationAsync('', bot.references[0] ?? referenceFor(alice), async (context) => {
      const first = await TeamsInfo.getPagedMembers(context, 2);
      const second = await TeamsInfo.getPagedMembers(context, 2, first.continuationToken);
      expect(first.members.map((m) => m.id)).toEqual(['29:member-0', '29:member-1']);
      expect(second.members.map((m) => m.id)).toEqual(['29:member-2', '29:member-3']);
    });
  });

  it('gives the same 1:1 conversation id for the same member, matching inbound activities', async () => {
    const ids: string[] = [];
    for (const user of [alice, alice, bob]) {
      await adapter.createConversationAsync(
        '',
        'msteams',
        connector.serviceUrl,
        '',
        {
          isGroup: false,
          bot: { id: `28:${TEST_BOT_ID}`, name: 'bot' },
          members: [{ id: user.id, name: user.name }],
          tenantId: TEST_TENANT_ID,
          channelData: { tenant: { id: TEST_TENANT_ID } },
        } as never,
        async (context) => {
          ids.push(context.activity.conversation.id);
        },
      );
    }
    expect(ids).toEqual([personalConversationId(alice), personalConversationId(alice), personalConversationId(bob)]);
    expect(connector.calls.map((c) => [c.method, c.path, c.status])).toEqual(Array(3).fill(['POST', '/v3/conversations', 201]));
  });

  it('returns an injected 429 to the caller once the client stops retrying', async () => {
    // botbuilder's HTTP pipeline retries a 429 itself (honouring Retry-After) up to 3 times.
    connector.fail({ status: 429, retryAfterSeconds: 0 }, { times: 4, match: (c) => c.method === 'POST' });

    await postActivity(appUrl, messageActivity({ serviceUrl: connector.serviceUrl, user: alice, text: 'hello' }));

    expect(bot.errors).toHaveLength(1);
    expect(bot.errors[0]).toMatchObject({ statusCode: 429 });
    expect(connector.calls.map((c) => c.status)).toEqual([429, 429, 429, 429]);
    expect(connector.activities()).toHaveLength(0);
  });

  it('sends Retry-After with an injected 429, which the client waits out before retrying', async () => {
    connector.fail({ status: 429, retryAfterSeconds: 1 });

    await postActivity(appUrl, messageActivity({ serviceUrl: connector.serviceUrl, user: alice, text: 'hello' }));

    expect(bot.errors).toHaveLength(0);
    const [first, second] = connector.calls;
    expect(first).toMatchObject({ status: 429, response: { error: { code: 'Throttled' } } });
    expect(second?.status).toBe(201);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    expect(connector.activities()).toHaveLength(1);
  });
});

describe('fake connector over plain HTTP', () => {
  const send = (target: FakeConnector, conversationId: string, text = 'x') =>
    fetch(`${target.serviceUrl}v3/conversations/${encodeURIComponent(conversationId)}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text }),
    });

  it('throttles an eighth message within a second to one conversation, but not another conversation', async () => {
    const limited = await FakeConnector.start({ limits: TEAMS_RATE_LIMITS });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await send(limited, 'a:1busy')).status);
      const throttled = await send(limited, 'a:1busy');
      const other = await send(limited, 'a:1quiet');

      expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 429]);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(await throttled.json()).toEqual({ error: { code: 'Throttled', message: expect.any(String) } });
      expect(other.status).toBe(201);
      expect(limited.activities({ conversationId: 'a:1busy' })).toHaveLength(7);
    } finally {
      await limited.close();
    }
  });

  it('enforces the global limit across conversations', async () => {
    // The connector's clock stands still, so all 51 fall in one window however slowly they arrive.
    const limited = await FakeConnector.start({ limits: { global: { count: 50, windowMs: 1_000 } }, now: () => 1_000_000 });
    try {
      const statuses = await Promise.all(Array.from({ length: 51 }, (_, i) => send(limited, `a:1user-${i}`).then((r) => r.status)));
      expect(statuses.filter((s) => s === 201)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it('uses sliding windows for every published per-conversation limit', async () => {
    let now = 0;
    const limited = await FakeConnector.start({ limits: { perConversation: TEAMS_RATE_LIMITS.perConversation }, now: () => now });
    try {
      const at = async (t: number) => {
        now = t;
        return (await send(limited, 'a:1c')).status;
      };
      // 7 per second: the 8th at 500 ms waits for the first (at 0) to leave the window.
      for (let i = 0; i < 7; i++) expect(await at(i * 10)).toBe(201);
      expect(await at(500)).toBe(429);
      expect(await at(1_001)).toBe(201);
      // 8 per 2 s: still inside 2 s of the first message, so the 9th is refused.
      expect(await at(1_500)).toBe(429);
      expect(await at(2_001)).toBe(201);
      const retryAfter = await send(limited, 'a:1c');
      expect(retryAfter.status).toBe(429);
      expect(Number(retryAfter.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('computes waits for long windows', () => {
    const limiter = new SlidingWindowLimiter([{ count: 60, windowMs: 30_000 }]);
    for (let i = 0; i < 60; i++) limiter.record('c', i * 100);
    expect(limiter.waitMs('c', 6_000)).toBe(24_000);
    // The oldest entry (at 0) leaves the window at 30 000.
    expect(limiter.waitMs('c', 29_950)).toBe(50);
    expect(limiter.waitMs('c', 30_000)).toBe(0);
    expect(limiter.waitMs('other', 6_000)).toBe(0);
  });

  it('answers an injected 429 with Retry-After, then serves normally', async () => {
    connector.fail({ status: 429, retryAfterSeconds: 1 });

    const throttled = await send(connector, 'a:1c');
    const next = await send(connector, 'a:1c');

    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(await throttled.json()).toEqual({ error: { code: 'Throttled', message: expect.any(String) } });
    expect(next.status).toBe(201);
    expect(connector.calls.map((c) => c.status)).toEqual([429, 201]);
  });

  it('applies a fault only to matching calls', async () => {
    connector.fail(
      { status: 403, body: { error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } } },
      {
        match: (c) => c.conversationId === 'a:1blocked',
      },
    );

    expect((await send(connector, 'a:1open')).status).toBe(201);
    const blocked = await send(connector, 'a:1blocked');
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({ error: { code: 'ConversationBlockedByUser' } });
  });

  it('waits for activities, and says what it saw when they do not come', async () => {
    const waiting = connector.waitForActivities(2, { conversationId: 'a:1w' });
    await send(connector, 'a:1w', 'one');
    await send(connector, 'a:1elsewhere', 'other');
    await send(connector, 'a:1w', 'two');
    expect((await waiting).map((a) => a.text)).toEqual(['one', 'two']);

    await expect(connector.waitForActivities(3, { conversationId: 'a:1w', timeoutMs: 50 })).rejects.toThrow(
      /expected 3 activities in a:1w within 50 ms, got 2/,
    );
  });

  it('answers unknown routes with 404 and records them', async () => {
    const res = await fetch(`${connector.serviceUrl}v3/nowhere`, { method: 'GET' });
    expect(res.status).toBe(404);
    expect(connector.calls).toEqual([expect.objectContaining({ method: 'GET', path: '/v3/nowhere', status: 404 })]);
  });

  it('releases a hung request with 504 when closed', async () => {
    const hanging = await FakeConnector.start();
    hanging.fail({ hangMs: 60_000 });
    const pending = send(hanging, 'a:1slow');
    await waitUntil(() => hanging.calls.length === 1);

    const started = Date.now();
    await hanging.close();
    const res = await pending;

    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(hanging.calls[0]?.status).toBe(504);
  });

  it('answers a short hang with 504', async () => {
    connector.fail({ hangMs: 50 });
    const res = await send(connector, 'a:1slow');
    expect(res.status).toBe(504);
    expect(connector.activities()).toHaveLength(0);
  });
});

function referenceFor(user: TeamsUser): Partial<ConversationReference> {
  const activity = messageActivity({ serviceUrl: connector.serviceUrl, user, text: '' });
  return TurnContext.getConversationReference(activity);
}

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
