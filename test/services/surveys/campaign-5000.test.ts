import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { DEFAULT_DELIVERY_LIMITS, DeliverySender } from '../../../services/delivery/sender';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { createCampaign } from '../../../services/surveys/campaigns';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector, TEAMS_RATE_LIMITS } from '../../harness/fake-connector';
import { ORG, person } from '../../harness/fixtures';
import { runJobAt } from '../../harness/jobs';
import { openTestStore } from '../../harness/store';

const calendar = new WorkingCalendar();
const TZ = 'Europe/London';
const HR = person({ id: 'hr', name: 'Simon Howick', roles: ['hr'] });

describe('a campaign to the whole council goes through the delivery engine', () => {
  let store: Store;
  let connector: FakeConnector;
  beforeAll(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start({ limits: TEAMS_RATE_LIMITS });
  });
  afterAll(async () => {
    await connector.close();
    await store.close();
  });

  it('5,000 staff: one invitation each is queued in the outbox, nothing is sent around it, and a second start adds none', async () => {
    const people = store.collection<Person>('people');
    await people.upsert(HR);
    // Seeded in parallel batches: 5,000 one at a time would be most of this test's run time.
    for (let i = 0; i < 5000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => people.upsert(person({ id: `s${i + j}`, name: `Staff ${i + j}`, department: `Dept ${(i + j) % 40}` }))),
      );
    }
    const clock = new FixedClock('2026-11-23T09:00:00Z');
    const campaign = await createCampaign(
      { store, clock, calendar },
      { actor: HR, timeZone: TZ, data: { questionnaire: 'awareness', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-11' } },
    );
    expect(campaign.invited).toBe(5001);
    const { items, counts } = await deliveryStatus(store, ORG, { purpose: 'questionnaire' });
    expect(items).toHaveLength(5001);
    expect(counts.pending).toBe(5001);
    expect(connector.calls).toHaveLength(0);
    // Every department of 125 is large enough to label anonymous answers with.
    expect(campaign.largeGroups?.departments).toHaveLength(40);
    // The hourly job finds it started and queues nothing more.
    await runJobAt('questionnaires', store, clock, { timeZone: TZ, calendar });
    expect((await deliveryStatus(store, ORG, { purpose: 'questionnaire' })).items).toHaveLength(5001);
  }, 120_000);

  it('sent with Teams’ limits: every invitation once, within the per-tenant rate, without being throttled', async () => {
    const small = await openTestStore();
    try {
      const staff = await installedPeople(small, connector.serviceUrl, 120);
      const clock = new FixedClock('2026-11-23T09:00:00Z');
      await createCampaign(
        { store: small, clock, calendar },
        { actor: { ...staff[0]!, roles: ['hr'] }, timeZone: TZ, data: { questionnaire: 'awareness', audience: { type: 'everyone' }, closesOn: '2026-12-11' } },
      );
      const sender = new DeliverySender(
        { store: small, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
        DEFAULT_DELIVERY_LIMITS,
      );
      const report = await sender.drain(ORG, { waitMs: 30_000 });
      expect(report).toMatchObject({ sent: 120, failed: 0 });
      const conversations = connector.activities().map((a) => a.conversation.id);
      expect(new Set(conversations).size).toBe(120);
      expect(conversations).toHaveLength(120);
      // Unpaced, most of 120 would be refused; a busy machine can bunch a few paced sends together
      // (the fan-out benchmark measures the real rate), so up to 5% of sends may meet a 429, as in the sender's test.
      expect(connector.calls.filter((c) => c.status === 429).length).toBeLessThanOrEqual(6);
    } finally {
      await small.close();
    }
  }, 60_000);
});
