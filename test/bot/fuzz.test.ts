import { appEvents } from '../harness/partnership';
import fc from 'fast-check';
import { runs } from '../fast-check-setup';
import { CARD_ROUTES } from '../../bot/card-routes';
import { seedDemo } from '../../services/demo/seed-demo';
import { takeSnapshot } from '../../services/store/snapshot';
import type { Person } from '../../services/people/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { createCampaign } from '../../services/surveys/campaigns';
import { startTestApp, type TestApp } from '../harness/app';
import { linkDemoPeople, ORG } from '../harness/fixtures';
import { invokeActionExecute, messageActivity, TEST_TENANT_ID, type TeamsUser } from '../harness/teams-activities';

const VAL: TeamsUser = { id: '29:val', aadObjectId: 'aad-val', name: 'Val Johnson' };

/** Text people might paste: markdown, HTML, control characters, very long strings, ids from elsewhere. */
const nasty = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom(
    '**bold** [x](javascript:alert(1))',
    '<script>alert(1)</script>',
    '${evil}',
    '\u0000\u202e',
    'action-plan-2015-16-00000000000000000000000000000000',
    'other-org',
    '../../etc/passwd',
    '9'.repeat(400),
  ),
  fc.string({ minLength: 3000, maxLength: 6000 }),
);
const value = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 10 }), nasty, { maxKeys: 3 }),
);
let campaignId = '';
const surveyValue = fc.oneof(
  value,
  fc.constantFrom('submit', 'next', 'back', '{}', '{"confidence":"very"}', 'A'.repeat(40)),
  fc.constant(undefined).map(() => campaignId),
);
const cardData = fc
  .dictionary(fc.constantFrom('campaignId', 'page', 'move', 'carried', 'answerKey', 'q_confidence', 'q_know-how-to-report'), surveyValue, { maxKeys: 6 })
  .chain((survey) =>
    fc
      .dictionary(
        fc.constantFrom(
          'actionId',
          'version',
          'status',
          'progress',
          'evidence',
          'reason',
          'remedialAction',
          'revisedDueDate',
          'escalationId',
          'days',
          'recordId',
          'courseCode',
          'completedOn',
          'category',
          'agency',
          'caseReference',
          'asked',
          'wanted',
          'immediateRisk',
          'text',
          'orgId',
          '__proto__',
          'constructor',
        ),
        value,
        { maxKeys: 8 },
      )
      .map((d) => ({ ...survey, ...d })),
  );
const verb = fc.oneof(
  fc.constantFrom(...Object.keys(CARD_ROUTES)),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
);

/**
 * Generated and malformed input thrown at the running app. Whatever arrives, the answer is a
 * clear 2xx/4xx (a card, for invokes) and the stored data does not change.
 */
describe('bad input never crashes the app, answers 500 or changes data', () => {
  let t: TestApp;
  let before: string;
  beforeAll(async () => {
    // No delivery rounds during the run: the store must stay exactly as seeded however slowly the machine goes.
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID, DELIVERY_INTERVAL_SECONDS: '3600' });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
    await linkDemoPeople(t.store);
    await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user: VAL, text: 'help' })); // first contact records Val's chat
    // An open questionnaire Val may answer, so generated answers reach its checks.
    const val = (await t.store.collection<Person>('people').read(ORG, 'demo-val-johnson'))!;
    campaignId = (
      await createCampaign(
        { store: t.store, clock: t.clock, calendar: new WorkingCalendar() },
        {
          actor: val,
          timeZone: 'Europe/London',
          data: { questionnaire: 'awareness', audience: { type: 'everyone' }, anonymous: true, closesOn: '2027-01-29' },
        },
      )
    ).id;
    before = JSON.stringify((await takeSnapshot(t.store, 'test')).containers);
  });
  afterAll(() => t.close());

  it('card invokes with generated verbs and data', async () => {
    await fc.assert(
      fc.asyncProperty(verb, cardData, async (v, data) => {
        const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: VAL, verb: v, data }));
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.card.adaptive' });
      }),
      { numRuns: runs(150) },
    );
    const after = (await takeSnapshot(t.store, 'test')).containers;
    const original = JSON.parse(before);
    for (const name of Object.keys(original)) expect([name, after[name as keyof typeof after]]).toEqual([name, original[name]]);
  });

  it('malformed activities: wrong types, missing parts, unknown kinds', async () => {
    const activity = fc.record(
      {
        type: fc.oneof(fc.constantFrom('message', 'invoke', 'installationUpdate', 'conversationUpdate', 'event', 'typing'), value),
        name: fc.oneof(fc.constant('adaptiveCard/action'), value),
        text: value,
        value,
        from: fc.oneof(fc.record({ id: nasty, aadObjectId: nasty }), value),
        conversation: fc.oneof(fc.record({ id: nasty, conversationType: fc.constantFrom('personal', 'channel', 'groupChat') }), value),
        recipient: fc.oneof(fc.record({ id: nasty }), value),
        channelId: fc.oneof(fc.constant('msteams'), value),
        action: fc.oneof(fc.constantFrom('add', 'remove', 'add-upgrade'), value),
        membersAdded: fc.oneof(fc.array(fc.oneof(fc.record({ id: nasty, aadObjectId: nasty }), value), { maxLength: 3 }), value),
        membersRemoved: fc.oneof(fc.array(fc.oneof(fc.record({ id: nasty }), value), { maxLength: 3 }), value),
        channelData: fc.oneof(
          fc.constant({ tenant: { id: TEST_TENANT_ID } }),
          fc.record({
            tenant: fc.constant({ id: TEST_TENANT_ID }),
            team: fc.oneof(fc.record({ id: nasty, name: nasty }), value),
            channel: fc.oneof(fc.record({ id: nasty }), value),
            eventType: fc.oneof(fc.constantFrom('teamMemberAdded', 'teamRenamed', 'channelCreated', 'teamDeleted'), value),
            source: value,
          }),
        ),
        serviceUrl: fc.constant(t.connector.serviceUrl),
      },
      { requiredKeys: ['channelData', 'serviceUrl'] },
    );
    await fc.assert(
      fc.asyncProperty(activity, async (a) => {
        const res = await t.post(a);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: runs(100) },
    );
    // Messages that did arrive may record a conversation or link a person; nothing else may change.
    const after = (await takeSnapshot(t.store, 'test')).containers;
    const original = JSON.parse(before);
    for (const name of ['plans', 'actions', 'escalations', 'training', 'outbox', 'surveys'] as const) expect(after[name]).toEqual(original[name]);
  });

  // Found by the property above in CI: a card action whose value is not an object made botbuilder throw, and the adapter answer 501.
  it('a card action with a malformed value is refused with 400 MALFORMED_CARD_ACTION, not 501', async () => {
    const malformed: unknown[] = [
      undefined,
      null,
      '**bold** [x](javascript:alert(1))',
      7,
      [],
      {},
      { action: null },
      { action: 'x' },
      { action: { type: 'Action.Submit', verb: 'help' } },
      { action: { type: 'Action.Execute' } },
      { action: { type: 'Action.Execute', verb: 5 } },
    ];
    for (const value of malformed) {
      const res = await t.post({
        type: 'invoke',
        name: 'adaptiveCard/action',
        ...(value === undefined ? {} : { value }),
        from: { id: '29:val', aadObjectId: 'aad-val' },
        conversation: { id: 'a:val', conversationType: 'personal' },
        channelData: { tenant: { id: TEST_TENANT_ID } },
        serviceUrl: t.connector.serviceUrl,
      });
      expect([value, res.status]).toEqual([value, 400]);
      expect(JSON.stringify(res.body)).toContain('MALFORMED_CARD_ACTION');
    }
  });

  it('a well-formed card action whose data is not an object gets a card that explains, not a crash', async () => {
    for (const verb of Object.keys(CARD_ROUTES)) {
      for (const data of ['text', 5, [], null, [{ actionId: 'x' }]]) {
        const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: VAL, verb, data: data as never }));
        expect([verb, data, res.status]).toEqual([verb, data, 200]);
        expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.card.adaptive' });
      }
    }
  });

  // Found by the property above: botbuilder answers an invoke it has no handler for with 501.
  it('an invoke this bot does not handle (no name, or another kind) is refused with 400 and the reason, not 501', async () => {
    for (const name of [undefined, '', 'task/fetch', 'composeExtension/query', '__proto__']) {
      const res = await t.post({
        type: 'invoke',
        ...(name === undefined ? {} : { name }),
        from: { id: '29:val', aadObjectId: 'aad-val' },
        conversation: { id: 'a:val', conversationType: 'personal' },
        channelData: { tenant: { id: TEST_TENANT_ID } },
        serviceUrl: t.connector.serviceUrl,
      });
      expect([name, res.status]).toEqual([name, 400]);
      expect(JSON.stringify(res.body)).toContain('UNSUPPORTED_INVOKE');
    }
  });
});
