/**
 * Fan-out: the daily reminder job enqueues one digest for each of N owners (or a questionnaire
 * campaign one invitation for each of N staff), and the delivery engine sends them through a
 * fake Bot Connector that enforces Teams' published limits (429 with Retry-After when exceeded).
 *
 * With --mixed, a fifth of the owners have no chat with the bot (the reach job installs the app
 * for them through a fake Microsoft Graph first) and a tenth are in a partner agency Graph does not
 * know, with an email address (the outbox emails them through the fake Graph's sendMail).
 *
 *   npm run bench:fanout [-- --owners 5000] [--campaign | --mixed [--emails-per-minute 6000]]
 */
import https from 'node:https';
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
import type { Person } from '../../services/people/model';
import { GraphMailer } from '../../services/reach/graph-mailer';
import { HttpGraphGateway } from '../../services/reach/graph';
import { reachPeople } from '../../services/reach/reach';
import { FakeGraph } from '../harness/fake-graph';
import { person } from '../harness/fixtures';
import { TEST_BOT_ID, TEST_TENANT_ID } from '../harness/teams-activities';

const { values } = parseArgs({
  options: { owners: { type: 'string', default: '5000' }, campaign: { type: 'boolean', default: false }, mixed: { type: 'boolean', default: false }, 'emails-per-minute': { type: 'string', default: '6000' } },
});
const OWNERS = Number(values.owners);
const CAMPAIGN = values.campaign;
const MIXED = values.mixed;

async function main() {
  const store = await openTestStore();
  const connector = await FakeConnector.start({ limits: TEAMS_RATE_LIMITS });
  const clock = new FixedClock('2026-11-23T09:00:00Z'); // a Monday
  const calendar = new WorkingCalendar();
  const due = calendar.addWorkingDays('2026-11-23', 7);

  const seedStart = performance.now();
  const withoutChat = MIXED ? Math.round(OWNERS * 0.2) : 0;
  const emailOnly = MIXED ? Math.round(OWNERS * 0.1) : 0;
  const people: Person[] = await installedPeople(store, connector.serviceUrl, OWNERS - withoutChat - emailOnly);
  const client = { tenantId: TEST_TENANT_ID, clientId: TEST_BOT_ID, clientSecret: 'bench-only-secret' };
  const graph = MIXED ? await FakeGraph.start(client) : undefined;
  const agent = graph ? new https.Agent({ ca: graph.ca, keepAlive: true }) : undefined;
  for (let i = 0; i < withoutChat + emailOnly; i++) {
    const homeTenant = i < withoutChat;
    const p = person({ id: homeTenant ? `new${i}` : `partner${i}`, name: `Owner ${i}`, aadObjectId: `aad-x${i}`, ...(homeTenant ? {} : { email: `owner${i}@partner.example` }) });
    await store.collection<Person>('people').upsert(p);
    if (homeTenant) graph!.setUser({ id: p.aadObjectId! });
    people.push(p);
  }
  if (!CAMPAIGN) {
    const actions = store.collection<Action>('actions');
    for (const p of people) await actions.upsert(actionDoc({ id: `a-${p.id}`, leadIds: [p.id], leads: [{ name: p.name, personId: p.id }], due: { dates: [due], ongoing: null, text: due }, nextDueDate: due }));
  }
  const seedMs = performance.now() - seedStart;

  const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
  const gateway = graph ? new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...client }, { agent: agent! }) : undefined;
  const reachStart = performance.now();
  const reach = gateway
    ? await reachPeople(
        { store, clock, graph: gateway, settings: { tenantId: TEST_TENANT_ID, catalogAppId: 'c4a1b2d3-0000-4000-8000-0000000a99c1', botId: `28:${TEST_BOT_ID}`, serviceUrl: connector.serviceUrl, installsPerSecond: 20, retryDays: 7 } },
        ORG,
      )
    : undefined;
  const reachMs = performance.now() - reachStart;
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

  const mailer = gateway ? new GraphMailer(gateway, 'bench@council.example', { teamsChat: 'https://teams.microsoft.com/l/chat/0/0?users=28:bench' }) : undefined;
  const emailsPerMinute = Number(values['emails-per-minute']);
  const sender = new DeliverySender({ store, messenger: localMessenger(), logger: silentLogger, ...(mailer ? { mailer } : {}) }, { ...DEFAULT_DELIVERY_LIMITS, emailsPerMinute });
  const sendStart = performance.now();
  const report = await sender.drain(ORG, { waitMs: 120_000 });
  const sendMs = performance.now() - sendStart;

  const accepted = connector.activities();
  const perConversation = new Map<string, number>();
  for (const a of accepted) perConversation.set(a.conversation.id, (perConversation.get(a.conversation.id) ?? 0) + 1);
  const perAddress = new Map<string, number>();
  for (const m of graph?.mails ?? []) perAddress.set(m.message.toRecipients[0].emailAddress.address, (perAddress.get(m.message.toRecipients[0].emailAddress.address) ?? 0) + 1);
  const duplicates = [...perConversation.values(), ...perAddress.values()].reduce((n, c) => n + (c - 1), 0);
  const losses = OWNERS - perConversation.size - perAddress.size;
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
  if (MIXED) {
    console.log(`mixed: ${withoutChat} owners without a chat, ${emailOnly} email-only (partner agency); installs paced at 20/s, email at ${emailsPerMinute}/min (Exchange Online allows 30/min per mailbox)`);
    console.table([
      {
        'reach s': +(reachMs / 1000).toFixed(1),
        installs: reach?.installed ?? 0,
        'Graph 429s': graph!.calls.filter((c) => c.status === 429).length,
        'Teams sends': perConversation.size,
        emails: graph!.mails.length,
        duplicates,
        losses,
      },
    ]);
  }
  console.log(`(seeding ${OWNERS} people, conversations and actions took ${(seedMs / 1000).toFixed(1)} s; engine report ${JSON.stringify(report)})`);
  agent?.destroy();
  await graph?.close();
  await connector.close();
  await store.close();
  if (duplicates > 0 || losses > 0) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
