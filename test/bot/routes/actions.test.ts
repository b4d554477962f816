import { ACTION_COMMANDS, ACTION_ROUTES } from '../../../services/actions/teams';
import { ROUND_TEXT_COMMANDS } from '../../../services/rounds/teams';
import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import type { ConversationRecord } from '../../../services/conversations/model';
import type { Action } from '../../../services/plan/model';
import type { Store } from '../../../services/store/ports';
import { ORG, actionDoc, person, seed } from '../../harness/fixtures';
import { cardText, routeContexts, typed, verbsOf } from '../../harness/route-context';
import { openTestStore } from '../../harness/store';
import { renderMessage } from '../../../cards/messages';
import type { AdaptiveCardJson } from '../../../cards/render';
import { enqueue } from '../../../services/delivery/outbox';
import { OutboxRepository } from '../../../services/delivery/repository';
import { roundUpkeep } from '../../../services/rounds/rounds';

/** The action plan's routes, called as the bot calls them, against the embedded store. */
describe('action routes', () => {
  let store: Store;
  let contextFor: ReturnType<typeof routeContexts>;
  const clock = new FixedClock('2026-11-30T10:00:00Z');
  const val = person({ id: 'val', name: 'Val Johnson' });
  const tim = person({ id: 'tim', name: 'Tim Sadler' });
  const admin = person({ id: 'ada', name: 'Ada Admin', roles: ['admin'] });
  const action = actionDoc({ id: 'a1', ref: 'LP1.1' });

  const stored = () => store.collection<Action>('actions').read(ORG, 'a1');
  const storedPerson = (id: string) => store.collection<Person>('people').read(ORG, id);
  const run = async (who: Person, verb: keyof typeof ACTION_ROUTES, data: unknown) => ACTION_ROUTES[verb].run(await contextFor(who), data);
  const type = async (who: Person, text: string) => typed([...ACTION_COMMANDS, ...ROUND_TEXT_COMMANDS], await contextFor(who), text);

  beforeAll(async () => {
    store = await openTestStore();
    contextFor = routeContexts(store, clock);
    await seed(store, { people: [val, tim, admin] });
  });
  beforeEach(() => seed(store, { actions: [action] }));
  afterAll(() => store.close());

  it('the lead types "my actions", opens LP1.1 and sends Amber with a reason: the summary comes back, the action is stored, ActionUpdated is published', async () => {
    const list = await type(val, 'my actions');
    expect(cardText(list)).toContain('Your open actions (1)');
    expect(cardText(list)).toContain('LP1.1');

    const form = await type(val, 'action lp1.1');
    expect(verbsOf(form)).toContain('action.update');

    const ctx = await contextFor(val);
    const before = ctx.events.published.length;
    const summary = await ACTION_ROUTES['action.update']!.run(ctx, {
      actionId: 'a1',
      version: 1,
      status: 'A',
      progress: 'Waiting on the venue',
      reason: 'The venue cancelled',
      remedialAction: 'Booking another',
    });
    expect(cardText(summary)).toMatch(/A – /);
    expect(await stored()).toMatchObject({
      status: 'A',
      progress: 'Waiting on the venue',
      version: 2,
      history: [{ by: { personId: 'val' }, previousStatus: 'G', fromVersion: 1 }],
    });
    expect(ctx.events.published.slice(before)).toMatchObject([{ type: 'ActionUpdated', action: { id: 'a1', version: 2 }, update: { status: 'A' } }]);
  });

  it('refuses an update from someone who neither leads nor covers the action, and stores nothing', async () => {
    await expect(run(tim, 'action.update', { actionId: 'a1', version: 1, status: 'G', progress: 'Fine' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await stored()).toMatchObject({ version: 1, status: 'G', history: [] });
    // Opening it shows the action read-only, with no Update button.
    expect(verbsOf(await run(tim, 'action.open', { actionId: 'a1' }))).not.toContain('action.update');
  });

  it('an answer missing what its status needs comes back as the form with the problem marked; a stale card as the latest form', async () => {
    const invalid = await run(val, 'action.update', { actionId: 'a1', version: 1, status: 'R', progress: 'Stuck' });
    expect(cardText(invalid)).toContain('Please check the highlighted answers.');
    const stale = await run(val, 'action.update', { actionId: 'a1', version: 7, status: 'G', progress: 'Fine' });
    expect(cardText(stale)).toMatch(/Someone updated this action after this card was shown/);
    expect(await stored()).toMatchObject({ version: 1, status: 'G' });
  });

  it.each<[string, string, unknown]>([
    ['action.open without an action id', 'action.open', {}],
    ['action.open with a non-object', 'action.open', 'a1'],
    ['action.update without a version', 'action.update', { actionId: 'a1', status: 'G' }],
    ['action.update with an id over 200 characters', 'action.update', { actionId: 'x'.repeat(201), version: 1 }],
    ['action.snooze without days', 'action.snooze', { actionId: 'a1' }],
    ['action.snooze for a number of days the organisation does not offer', 'action.snooze', { actionId: 'a1', days: 365 }],
  ])('%s is a validation error, not a crash', async (_what, verb, data) => {
    await expect(run(val, verb as keyof typeof ACTION_ROUTES, data)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await stored()).toMatchObject({ version: 1 });
  });

  it('the lead snoozes reminders for one of the offered numbers of working days; someone else may not', async () => {
    await expect(run(tim, 'action.snooze', { actionId: 'a1', days: 3 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await stored())?.snoozedUntil).toBeUndefined();
    expect(cardText(await run(val, 'action.snooze', { actionId: 'a1', days: 3 }))).toMatch(/Reminders for LP1.1 snoozed/);
    expect((await stored())?.snoozedUntil).toBe('2026-12-03');
  });

  it('an action reference that is not in the plan is named as not found', async () => {
    await expect(type(val, 'action LP9.9')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('LP9.9') });
  });

  it('leave cover with a delegate the bot cannot reach is set with a warning saying why; a delegate with a chat gets none', async () => {
    // Tim is in the directory but not linked to a Microsoft 365 account: nothing sent to him arrives.
    const warned = cardText(await type(val, 'leave until 2027-01-15 delegate Tim Sadler'));
    expect(warned).toMatch(/^⚠ Leave cover set, but your delegate cannot be reached\n/);
    expect(warned).toMatch(
      /Warning: I cannot reach Tim Sadler at the moment \(not linked to a Microsoft 365 account in this organisation\), so your reminders would reach no one/,
    );
    expect((await storedPerson('val'))?.leave).toEqual({ until: '2027-01-15', delegateId: 'tim' });

    // Once Tim has opened the app, the same cover needs no warning.
    await seed(store, { people: [{ ...tim, aadObjectId: 'aad-tim' }] });
    await store.collection<ConversationRecord>('conversations').upsert({
      id: 'personal-aad-tim',
      orgId: ORG,
      kind: 'personal',
      tenantId: 't',
      conversationId: 'a:1tim',
      serviceUrl: 'https://smba.example/',
      botId: '28:bot',
      personId: 'tim',
      reachable: true,
      installedAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    const fine = cardText(await type(val, 'leave until 2027-01-15 delegate Tim Sadler'));
    expect(fine).toMatch(/^✓ Leave cover set\n/);
    expect(fine).not.toMatch(/Warning/);
    await type(val, 'back from leave');
    await seed(store, { people: [tim] });
  });

  it('leave cover: set to a named colleague, refused for a past date or an unknown name, ended by "back from leave"', async () => {
    expect(cardText(await type(val, 'leave until 2027-01-15 delegate Tim Sadler'))).toMatch(/Leave cover set[\s\S]*Tim Sadler gets your reminders/);
    expect((await storedPerson('val'))?.leave).toEqual({ until: '2027-01-15', delegateId: 'tim' });
    // Tim now covers Val's action, so its form opens for him.
    expect(verbsOf(await run(tim, 'action.open', { actionId: 'a1' }))).toContain('action.update');

    await expect(type(val, 'leave until 2026-11-01 delegate Tim Sadler')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(type(val, 'leave until 2027-01-15 delegate Nobody Known')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(cardText(await type(val, 'back from leave'))).toContain('Welcome back');
    expect((await storedPerson('val'))?.leave).toBeUndefined();
  });

  it('update rounds: only an administrator starts one, then "round status" shows who is outstanding', async () => {
    expect(cardText(await type(admin, 'round status'))).toContain('No update round is open');
    await expect(type(val, 'start round 2026-12-15')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(type(admin, 'start round 2026-11-01')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(cardText(await type(admin, 'start round 2026-12-15'))).toMatch(
      /Update round started[\s\S]*Every lead with open actions is being asked to update their actions by 15 Dec 2026/,
    );
    // Who is asked is the round upkeep's work, in the background (the app runs it after the answer).
    expect(cardText(await type(admin, 'round status'))).not.toMatch(/Val Johnson/);
    await roundUpkeep({ store, clock }, ORG);
    expect(cardText(await type(admin, 'round status'))).toMatch(/Open update round \(started by Ada Admin\)[\s\S]*Val Johnson/);
  });

  it('the Amber confirmation says why it is at risk and what is being done, as the form asked', async () => {
    const summary = await run(val, 'action.update', {
      actionId: 'a1',
      version: 1,
      status: 'A',
      progress: 'Waiting on the venue',
      reason: 'The venue cancelled',
      remedialAction: 'Booking another',
    });
    expect(cardText(summary)).toMatch(/Why it is at risk:.\nThe venue cancelled\nRemedial action:.\nBooking another/);
  });

  describe('a reminder digest longer than a page', () => {
    const outboxId = 'reminders-2026-11-30-val';
    const lines = Array.from({ length: 12 }, (_, i) => ({
      actionId: `a${i + 1}`,
      ref: `LP1.${i + 1}`,
      description: `Action ${i + 1}`,
      why: 'due in 7 working days',
      status: 'G' as const,
    }));

    beforeAll(async () => {
      await enqueue(store, clock, {
        id: outboxId,
        orgId: ORG,
        purpose: 'reminder',
        recipient: { personId: 'val' },
        message: {
          kind: 'reminder-digest',
          heading: 'Safeguarding actions needing your attention (12)',
          intro: 'Hello Val',
          lines,
          snoozeChoices: [1, 3, 7],
          outboxId,
        },
      });
    });

    it('arrives with the first five lines; "Show 5 more" gives the next five, then "Show 2 more" the last two', async () => {
      const first = renderMessage((await new OutboxRepository(store).get(ORG, outboxId))!.message);
      expect(cardText(first)).toContain('Showing 1–5 of 12.');
      const press = (card: AdaptiveCardJson) =>
        (card.actions as { title: string; verb: string; data: unknown }[]).find((a) => /^Show \d+ more$/.test(a.title))!;
      expect(press(first)).toMatchObject({ title: 'Show 5 more', verb: 'digest.page', data: { outboxId, page: 1 } });
      const second = await run(val, 'digest.page', press(first).data);
      expect(cardText(second)).toMatch(/Showing 6–10 of 12\.\nLP1\.6 · G – Green/);
      expect(verbsOf(second)).toEqual(expect.arrayContaining(['action.open', 'action.snooze', 'digest.page']));
      const third = await run(val, 'digest.page', press(second).data);
      expect(press(second).title).toBe('Show 2 more');
      expect(cardText(third)).toContain('Showing 11–12 of 12.');
      expect(cardText(third)).toContain('LP1.12');
    });

    it('is paged only by its recipient: to anyone else, an administrator included, it does not exist', async () => {
      for (const other of [tim, admin]) await expect(run(other, 'digest.page', { outboxId, page: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it.each<[string, unknown]>([
      ['an id that is not a reminder', { outboxId: 'esc-1-s1-val', page: 1 }],
      ['an id with a path in it', { outboxId: 'reminders-../x', page: 1 }],
      ['a page that is not a whole number', { outboxId, page: 'two' }],
      ['no data', undefined],
    ])('%s is refused as not valid', async (_what, data) => {
      await expect(run(val, 'digest.page', data)).rejects.toMatchObject({ code: 'VALIDATION' });
    });
  });
});
