/**
 * Fan-out: the daily reminder job enqueues one digest for each of N owners (or a questionnaire
 * campaign one invitation for each of N staff), and the delivery engine sends them through a
 * fake Bot Connector that enforces Teams' published limits (429 with Retry-After when exceeded).
 *
 *   npm run bench:fanout [-- --owners 5000] [--campaign]
 */
import { parseArgs } from 'node:util';
import { FixedClock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import { deliveryStatus } from '../../services/delivery/outbox';
import { DEFAULT_DELIVERY_LIMITS, DeliverySender } from '../../services/delivery/sender';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Action } from '../../services/plan/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { runJob } from '../../services/scheduling/jobs';
import { installedPeople, localMessenger } from '../harness/delivery';
import { FakeConnector, TEAMS_RATE_LIMITS } from '../harness/fake-connector';
import { actionDoc, ORG } from '../harness/fixtures';
import { openTestStore } from '../harness/store';
import { createCampaign } from '../../services/surveys/campaigns';

const { values } = parseArgs({ options: { owners: { type: 'string', default: '5000' }, campaign: { type: 'boolean', default: false } } });
const OWNERS = Number(values.owners);
const CAMPAIGN = values.campaign;

async function main() {
  const store = await openTestStore();
  const connector = await FakeConnector.start({ limits: TEAMS_RATE_LIMITS });
  const clock = new FixedClock('2026-11-23T09:00:00Z'); // a Monday
  const calendar = new WorkingCalendar();
  const due = calendar.addWorkingDays('2026-11-23', 7);

  const seedStart = performance.now();
  const people = await installedPeople(store, connector.serviceUrl, OWNERS);
  if (!CAMPAIGN) {
    const actions = store.collection<Action>('actions');
    for (const p of people) await actions.upsert(actionDoc({ id: `a-${p.id}`, leadIds: [p.id], leads: [{ name: p.name, personId: p.id }], due: { dates: [due], ongoing: null, text: due }, nextDueDate: due }));
  }
  const seedMs = performance.now() - seedStart;

  const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
  const jobStart = performance.now();
  const enqueued = CAMPAIGN
    ? (
        await createCampaign({ store, clock, calendar }, {
          actor: { ...people[0]!, roles: ['hr'] },
          timeZone: 'Europe/London',
          data: { questionnaire: 'awareness', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-11' },
        })
      ).invited
    : (await runJob('daily-reminders', { store, clock, orgId: ORG, organisation, calendar, logger: silentLogger })).enqueued;
  const jobMs = performance.now() - jobStart;

  const sender = new DeliverySender({ store, messenger: localMessenger(), logger: silentLogger }, DEFAULT_DELIVERY_LIMITS);
  const sendStart = performance.now();
  const report = await sender.drain(ORG, { waitMs: 120_000 });
  const sendMs = performance.now() - sendStart;

  const accepted = connector.activities();
  const perConversation = new Map<string, number>();
  for (const a of accepted) perConversation.set(a.conversation.id, (perConversation.get(a.conversation.id) ?? 0) + 1);
  const duplicates = [...perConversation.values()].reduce((n, c) => n + (c - 1), 0);
  const losses = OWNERS - perConversation.size;
  const throttled = connector.calls.filter((c) => c.status === 429).length;
  const { counts } = await deliveryStatus(store, ORG);
  const ceiling = TEAMS_RATE_LIMITS.global.count;
  const rate = accepted.length / (sendMs / 1000);

  console.log(`${CAMPAIGN ? 'questionnaire campaign' : 'reminder'} fan-out to ${OWNERS} ${CAMPAIGN ? 'staff' : 'owners'} through a connector enforcing Teams' limits (node ${process.version})`);
  console.table([
    {
      owners: OWNERS,
      [CAMPAIGN ? 'invitations enqueued' : 'digests enqueued']: enqueued,
      [CAMPAIGN ? 'campaign start ms' : 'job ms']: Math.round(jobMs),
      'send s': +(sendMs / 1000).toFixed(1),
      'msgs/s': +rate.toFixed(1),
      'ceiling/s': ceiling,
      'of ceiling': `${((rate / ceiling) * 100).toFixed(1)}%`,
      '429s': throttled,
      duplicates,
      losses,
      'outbox sent': counts.sent,
    },
  ]);
  console.log(`(seeding ${OWNERS} people, conversations and actions took ${(seedMs / 1000).toFixed(1)} s; engine report ${JSON.stringify(report)})`);
  await connector.close();
  await store.close();
  if (duplicates > 0 || losses > 0) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
