import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock, systemClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { DeliverySender } from '../../../services/delivery/sender';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Action } from '../../../services/plan/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { StoreRunCoordinator } from '../../../services/scheduling/coordinator';
import { runJob } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { actionLedBy, ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const FAST = { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 32 };

describe('two app instances sharing one store', () => {
  let store: Store;
  let connector: FakeConnector;
  const calendar = new WorkingCalendar();

  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    const people = await installedPeople(store, connector.serviceUrl, 40);
    const due = calendar.addWorkingDays('2026-11-23', 7);
    for (const p of people) {
      await store.collection<Action>('actions').upsert(actionLedBy(p, due));
    }
  });
  afterEach(async () => {
    await connector.close();
    await store.close();
  });

  /** One instance's 09:00 slot: run the job if elected, then drain the shared outbox. */
  async function instance(name: string, options: { ignoreElection?: boolean } = {}) {
    const clock = new FixedClock('2026-11-23T09:00:00Z');
    const coordinator = new StoreRunCoordinator(store, ORG, systemClock, name);
    const elected = await coordinator.shouldRun('demo:daily-reminders:2026-11-23T09:00:00.000Z', 60_000);
    if (elected || options.ignoreElection) {
      const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
      await runJob('daily-reminders', { store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
    }
    await new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger }, FAST).drain(ORG);
    return elected;
  }

  const perConversation = () => {
    const counts = new Map<string, number>();
    for (const a of connector.activities()) counts.set(a.conversation.id, (counts.get(a.conversation.id) ?? 0) + 1);
    return [...counts.values()];
  };

  it('run the daily job for the same slot: one is elected, and each owner gets exactly one digest', async () => {
    const elected = await Promise.all([instance('a'), instance('b')]);
    expect(elected.filter(Boolean)).toHaveLength(1);
    expect(perConversation()).toHaveLength(40);
    expect(perConversation().every((n) => n === 1)).toBe(true);
  });

  it('even if both ran the job (coordination lost), the outbox still sends each digest once', async () => {
    await Promise.all([instance('a', { ignoreElection: true }), instance('b', { ignoreElection: true })]);
    expect(perConversation()).toHaveLength(40);
    expect(perConversation().every((n) => n === 1)).toBe(true);
  });
});
