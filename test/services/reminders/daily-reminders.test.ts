import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { DateTime } from 'luxon';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import type { OutboxItem } from '../../../services/delivery/model';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import { setLeave } from '../../../services/people/leave';
import type { Person } from '../../../services/people/model';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Action } from '../../../services/plan/model';
import { snoozeAction } from '../../../services/reminders/snooze';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { submitStatusUpdate } from '../../../services/updates/status-update';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { personalConversationId } from '../../harness/teams-activities';
import { FakeConnector } from '../../harness/fake-connector';
import { actionDoc, ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { domainEvents } from '../../../bot/modules';

const TZ = 'Europe/London';
const FAST = { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 32 };

/**
 * Six weeks of daily runs over Christmas 2026: weekends, Christmas Day, the Boxing Day substitute
 * (Mon 28 Dec) and New Year's Day are not working days. Actions due Thu 24 Dec 2026 are reminded
 * 14, 7 and 1 working days before (Fri 4, Tue 15, Wed 23 Dec), on the day, and every 5 working
 * days overdue (Tue 5 and Tue 12 Jan 2027) until updated. The ongoing action asks for its monthly
 * update on the first working day of each month (Tue 1 Dec, Mon 4 Jan).
 */
describe('daily reminders across a month with bank holidays, snooze, leave cover and updates', () => {
  let store: Store;
  let connector: FakeConnector;
  const calendar = new WorkingCalendar();
  const sent: { day: string; to: string; refs: string[] }[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    const [ann, bob, cat, dan, eve] = await installedPeople(store, connector.serviceUrl, 5);
    const names = ['ann', 'bob', 'cat', 'dan', 'eve'];
    const people = [ann, bob, cat, dan, eve].map((p, i) => ({ ...p!, id: names[i]!, name: names[i]! }));
    for (const [i, p] of people.entries()) {
      await store.collection<Person>('people').delete(ORG, `p${i}`);
      await store.collection<Person>('people').upsert(p);
      await store.collection('conversations').update(ORG, `personal-aad-p${i}`, (c: any) => ({ ...c, personId: p.id }));
    }
    const due = { dates: ['2026-12-24'], ongoing: null, text: '24 December 2026' };
    const action = (id: string, ref: string, lead: string, extra: Partial<Action> = {}) =>
      actionDoc({ id, ref, leadIds: [lead], leads: [{ name: lead, personId: lead }], due, nextDueDate: '2026-12-24', ...extra });
    for (const a of [
      action('A1', 'LP1.1', 'ann'),
      action('B1', 'LP1.2', 'bob'),
      action('B2', 'LP1.3', 'bob'),
      action('C1', 'LP1.4', 'cat'),
      action('E1', 'LP1.5', 'eve', { due: { dates: [], ongoing: { cadence: 'monthly' }, text: 'On-going' }, ongoing: true, nextDueDate: undefined }),
    ])
      await store.collection<Action>('actions').upsert(a);

    const sender = new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger }, FAST);
    const catPerson = (await store.collection<Person>('people').read(ORG, 'cat'))!;
    await setLeave({ store, clock: new FixedClock('2026-11-30T12:00:00Z') }, { actor: catPerson, until: '2026-12-31', delegate: 'dan', timeZone: TZ });

    for (let d = DateTime.fromISO('2026-12-01', { zone: TZ }); d <= DateTime.fromISO('2027-01-13', { zone: TZ }); d = d.plus({ days: 1 })) {
      const day = d.toISODate()!;
      const clock = new FixedClock(d.set({ hour: 9 }).toJSDate());
      const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });
      await runJob('daily-reminders', { store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
      await sender.drain(ORG);
      // What people do that day, after the 09:00 digest.
      const at = new FixedClock(d.set({ hour: 11 }).toJSDate());
      if (day === '2026-12-22') {
        const bob = (await store.collection<Person>('people').read(ORG, 'bob'))!;
        await snoozeAction({ store, clock: at, calendar }, { actor: bob, organisation, data: { actionId: 'B2', days: 1 } });
      }
      if (day === '2026-12-30') {
        const ann = (await store.collection<Person>('people').read(ORG, 'ann'))!;
        const a1 = (await store.collection<Action>('actions').read(ORG, 'A1'))!;
        await submitStatusUpdate(
          { store, clock: at, events: domainEvents(calendar) },
          {
            actor: ann,
            timeZone: TZ,
            data: { actionId: 'A1', version: a1.version, status: 'A', progress: 'Late', reason: 'Holidays', remedialAction: 'Finish by mid January' },
          },
        );
      }
    }
    const { items } = await deliveryStatus(store, ORG, { idPrefix: 'reminders-' });
    for (const i of items as OutboxItem[]) {
      if (i.message.kind !== 'reminder-digest' || !('personId' in i.recipient)) continue;
      sent.push({ day: i.id.slice('reminders-'.length, 'reminders-'.length + 10), to: i.recipient.personId, refs: i.message.lines.map((l) => l.ref) });
    }
  }, 120_000);
  afterAll(async () => {
    await connector.close();
    await store.close();
  });

  const daysFor = (to: string) =>
    sent
      .filter((s) => s.to === to)
      .map((s) => s.day)
      .sort();
  const refsOn = (to: string, day: string) => sent.find((s) => s.to === to && s.day === day)?.refs;

  it('reminds on the right working days only, and stops the overdue chasers once the owner updates', () => {
    expect(daysFor('ann')).toEqual(['2026-12-04', '2026-12-15', '2026-12-23', '2026-12-24']);
  });

  it('groups an owner’s actions into one digest per run', () => {
    expect(daysFor('bob')).toEqual(['2026-12-04', '2026-12-15', '2026-12-23', '2026-12-24', '2027-01-05', '2027-01-12']);
    expect(refsOn('bob', '2026-12-24')).toEqual(['LP1.2', 'LP1.3']);
  });

  it('a snoozed action is left out until the snooze ends', () => {
    expect(refsOn('bob', '2026-12-23')).toEqual(['LP1.2']);
    expect(refsOn('bob', '2027-01-05')).toEqual(['LP1.2', 'LP1.3']);
  });

  it('reminders go to the delegate while the owner is on leave, and back to the owner afterwards', () => {
    expect(daysFor('dan')).toEqual(['2026-12-04', '2026-12-15', '2026-12-23', '2026-12-24']);
    expect(daysFor('cat')).toEqual(['2027-01-05', '2027-01-12']);
  });

  it('an ongoing action gets its monthly update request on the first working day of the month', () => {
    expect(daysFor('eve')).toEqual(['2026-12-01', '2027-01-04']);
  });

  it('the digest on the due day reaches the Teams activity feed (notification.alert); those before and after only the chat', () => {
    const alerts = (teamsUserId: string) =>
      connector.activities({ conversationId: personalConversationId({ id: teamsUserId }) }).map((a) => a.channelData?.notification?.alert === true);
    // ann: 14, 7 and 1 working days before, then on the day (24 Dec).
    expect(alerts('29:p0')).toEqual([false, false, false, true]);
    // bob: the same, then twice overdue, which only chases in the chat.
    expect(alerts('29:p1')).toEqual([false, false, false, true, false, false]);
  });

  it('never sends on a weekend or bank holiday, and every digest reached the connector once', async () => {
    for (const s of sent) expect(calendar.isWorkingDay(s.day)).toBe(true);
    expect(connector.activities()).toHaveLength(sent.length);
  });
});
