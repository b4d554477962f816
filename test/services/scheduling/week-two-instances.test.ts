import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { DateTime } from 'luxon';
import { FixedClock, systemClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import type { OutboxItem } from '../../../services/delivery/model';
import { DeliverySender } from '../../../services/delivery/sender';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Action } from '../../../services/plan/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { StoreRunCoordinator } from '../../../services/scheduling/coordinator';
import { JOBS, runJob, type JobName } from '../../../bot/jobs';
import { toArray, type Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { actionLedBy, ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const FAST = { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 32 };

/**
 * Two instances side by side for a week (Mon 21 Dec 2026 to Sun 27 Dec, Christmas included): every
 * job's slot is offered to both; each slot runs once, and every message reaches Teams once.
 */
it('two instances run a full simulated week of jobs: each slot once, each message once', async () => {
  const store: Store = await openTestStore();
  const connector = await FakeConnector.start();
  try {
    const calendar = new WorkingCalendar();
    const people = await installedPeople(store, connector.serviceUrl, 30);
    for (const [i, p] of people.entries()) {
      const due = calendar.addWorkingDays('2026-12-21', (i % 10) - 3); // some overdue, some due this week, some soon
      await store.collection<Action>('actions').upsert(actionLedBy(p, due));
    }
    const instances = ['a', 'b'].map((name) => ({
      coordinator: new StoreRunCoordinator(store, ORG, systemClock, name),
      sender: new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger }, FAST),
    }));
    const ran: string[] = [];
    for (let d = DateTime.fromISO('2026-12-21', { zone: 'Europe/London' }); d.toISODate()! <= '2026-12-27'; d = d.plus({ days: 1 })) {
      for (const name of Object.keys(JOBS) as JobName[]) {
        const [minute, hourField, , , weekdays] = JOBS[name]!.cron.split(' ');
        // The cron's day-of-week field: '1-5' Monday to Friday, '0' Sunday, '*' every day.
        if (weekdays === '1-5' ? d.weekday > 5 : weekdays !== '*' && Number(weekdays) % 7 !== d.weekday % 7) continue;
        // The hour field: one hour, or a range such as '8-17' for an hourly job.
        const [first, last = first] = hourField!.split('-').map(Number);
        for (let hour = first!; hour <= last!; hour++) {
          const slot = d.set({ hour, minute: Number(minute) });
          const clock = new FixedClock(slot.toJSDate());
          const key = `${ORG}:${name}:${slot.toUTC().toISO()}`;
          await Promise.all(
            instances.map(async ({ coordinator, sender }, i) => {
              if (await coordinator.shouldRun(key, 60_000)) {
                ran.push(`${name}@${slot.toISO()}#${i}`);
                const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
                await runJob(name, { store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
              }
              await sender.drain(ORG);
            }),
          );
        }
      }
    }
    const slots = ran.map((r) => r.split('#')[0]);
    expect(new Set(slots).size).toBe(slots.length); // no slot ran twice
    // Seven daily weekday jobs (roles and reach have nothing to do without Graph; the reviews module's impact checks and Section 11's chasers) and ten hourly questionnaire slots for five days, and housekeeping every day.
    expect(slots).toHaveLength((8 + 10) * 5 + 7);
    const sent = await toArray(
      store
        .collection<OutboxItem>('outbox')
        .query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.status = 'sent'", parameters: [{ name: '@orgId', value: ORG }] }),
    );
    expect(sent.length).toBeGreaterThan(0);
    expect(connector.activities()).toHaveLength(sent.length);
    // Per conversation, Teams received exactly the messages the outbox records as sent.
    const count = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
    const conversations = await toArray(
      store
        .collection<{ id: string; orgId: string; conversationId: string }>('conversations')
        .query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }),
    );
    const chatOf = new Map(conversations.map((c) => [c.id, c.conversationId]));
    expect(count(connector.activities().map((a) => a.conversation.id))).toEqual(count(sent.map((i) => chatOf.get(i.conversationKey!)!)));
    expect(sent.every((i) => i.attempts === 1)).toBe(true);
  } finally {
    await connector.close();
    await store.close();
  }
}, 120_000);
