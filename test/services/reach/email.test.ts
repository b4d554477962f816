import https from 'node:https';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import { reachReport } from '../../../services/reach/report';
import { enqueueUnreachableDigest, noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import type { Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { FakeGraph } from '../../harness/fake-graph';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { runJob } from '../../../bot/jobs';
import { openEscalation } from '../../../services/escalations/escalations';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { openTestStore } from '../../harness/store';
import { TEST_BOT_ID, TEST_TENANT_ID } from '../../harness/teams-activities';

const CLIENT = { tenantId: TEST_TENANT_ID, clientId: TEST_BOT_ID, clientSecret: 'test-only-client-secret' };
const MAILBOX = 'safeguarding-tracker@council.example';

describe('email for people Teams cannot reach, through the same outbox', () => {
  let store: Store;
  let connector: FakeConnector;
  let graph: FakeGraph;
  let agent: https.Agent;
  let sender: DeliverySender;
  const clock = new FixedClock('2026-11-23T09:00:00Z');

  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    graph = await FakeGraph.start(CLIENT);
    const wired = graph.mailerFor(MAILBOX);
    agent = wired.agent;
    const mailer = wired.mailer;
    sender = new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger, mailer },
      { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 16, emailsPerMinute: 6000 },
    );
  });
  afterEach(async () => {
    agent.destroy();
    await graph.close();
    await connector.close();
    await store.close();
  });

  const digest = (personId: string, description: string) => ({
    id: `reminders-2026-11-23-${personId}`,
    orgId: ORG,
    purpose: 'reminder' as const,
    recipient: { personId },
    message: {
      kind: 'reminder-digest' as const,
      heading: 'Your actions due soon',
      intro: 'These need an update.',
      lines: [{ actionId: 'a1', ref: 'LP1.1', description, why: 'due today', status: 'A' as const }],
      snoozeChoices: [1, 3],
    },
  });

  it('Teams where there is a chat, email from the shared mailbox where there is none, each once', async () => {
    const [inTeams] = await installedPeople(store, connector.serviceUrl, 1);
    await seed(store, { people: [person({ id: 'pat', name: 'Pat <Police>', email: 'pat@police.example' }), person({ id: 'nomail', name: 'No Mail' })] });
    for (const id of [inTeams!.id, 'pat', 'nomail']) await enqueue(store, clock, digest(id, 'Review <b>referrals</b> & "escalations"'));

    expect(await sender.drain(ORG)).toMatchObject({ sent: 2, emailed: 1, unreachable: 1 });
    expect(connector.activities()).toHaveLength(1);
    expect(graph.mails).toHaveLength(1);
    const [mail] = graph.mails;
    expect(mail!.mailbox).toBe(MAILBOX);
    expect(mail!.message.toRecipients).toEqual([{ emailAddress: { address: 'pat@police.example', name: 'Pat <Police>' } }]);
    const html: string = mail!.message.body.content;
    expect(html).toContain('Review &lt;b&gt;referrals&lt;/b&gt; &amp; &quot;escalations&quot;');
    expect(html).not.toContain('<b>referrals');
    expect(html).toContain(`href="https://teams.microsoft.com/l/chat/0/0?users=28:${TEST_BOT_ID}"`);
    expect(html).toMatch(/type &quot;action LP1\.1&quot;/);
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en-GB">/);

    const pat = (await deliveryStatus(store, ORG)).items.find((i) => i.id === 'reminders-2026-11-23-pat');
    expect(pat).toMatchObject({ status: 'sent', channel: 'email', attempts: 1 });

    // The job runs again: the same ids are already in the outbox, so nothing is sent twice.
    for (const id of [inTeams!.id, 'pat', 'nomail']) await enqueue(store, clock, digest(id, 'again'));
    expect(await sender.drain(ORG)).toMatchObject({ sent: 0, emailed: 0 });
    expect(graph.mails).toHaveLength(1);
  });

  it('the administrators’ digest names only those reached neither in Teams nor by email', async () => {
    await installedPeople(store, connector.serviceUrl, 1, { prefix: 'admin', roles: ['admin'] });
    await seed(store, { people: [person({ id: 'pat', name: 'Pat Police', email: 'pat@police.example' }), person({ id: 'nomail', name: 'No Mail' })] });
    expect((await reachReport(store, { orgId: ORG }, { emailEnabled: true })).counts).toEqual({ teams: 1, email: 1, unreachable: 1 });
    expect(await enqueueUnreachableDigest(store, clock, ORG, '2026-11-23', { emailEnabled: true })).toEqual({ unreachable: 1, emailed: 1, digests: 1 });
    const [notice] = (await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items;
    const text = (notice!.message as { text: string }).text;
    expect(text).toContain('1 of 3 people cannot be reached in Teams or by email');
    expect(text).toContain('(1 more are reached by email instead.)');
    expect(text).toContain('- No Mail: ');
    expect(text).not.toContain('Pat Police');
  });

  it('someone who chose email gets email only; someone who chose both gets each once, even when Teams needs a retry', async () => {
    const [byEmail, both] = await installedPeople(store, connector.serviceUrl, 2);
    await seed(store, {
      people: [
        { ...byEmail!, email: 'e@council.example', notifyBy: 'email' },
        { ...both!, email: 'b@council.example', notifyBy: 'both' },
      ],
    });
    await enqueue(store, clock, digest(byEmail!.id, 'x'));
    await enqueue(store, clock, digest(both!.id, 'y'));
    connector.fail({ status: 503 }, { times: 1 });

    await sender.drain(ORG, { waitMs: 20_000 });
    expect(graph.mails.map((m) => m.message.toRecipients[0].emailAddress.address).sort()).toEqual(['b@council.example', 'e@council.example']);
    expect(connector.activities()).toHaveLength(1); // only the one who chose both, after the retry
    const { items } = await deliveryStatus(store, ORG);
    expect(items.find((i) => i.id.endsWith(byEmail!.id))).toMatchObject({ status: 'sent', channel: 'email', attempts: 1 });
    expect(items.find((i) => i.id.endsWith(both!.id))).toMatchObject({ status: 'sent', attempts: 2, emailedAt: expect.any(String) });
  }, 30_000);

  it('a throttled mailbox is waited for, as Retry-After says, and the email goes once', async () => {
    await seed(store, { people: [person({ id: 'pat', name: 'Pat', email: 'pat@police.example' })] });
    graph.fail({ status: 429, retryAfterSeconds: 1 }, { times: 1, match: (c) => c.path.endsWith('/sendMail') });
    await enqueue(store, clock, digest('pat', 'x'));
    expect(await sender.drain(ORG, { waitMs: 10_000 })).toMatchObject({ sent: 1, emailed: 1 });
    expect(graph.graphCalls({ pathEndsWith: '/sendMail' }).map((c) => c.status)).toEqual([429, 202]);
    expect(graph.mails).toHaveLength(1);
  });

  /** What a mail client shows of an email: its subject line, and its body without markup. */
  const shown = (mail: { message: { subject: string; body: { content: string } } }) => ({
    subject: mail.message.subject,
    body: mail.message.body.content
      .replace(/<title>.*<\/title>/, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim(),
  });

  it('an escalation alert by email says only that there is an escalation to see, and where: not its kind, risk, stage, reference or case', async () => {
    await seed(store, { people: [person({ id: 'pat', name: 'Pat', email: 'pat@police.example' })] });
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    const { escalation } = await openEscalation({ store, clock, calendar: new WorkingCalendar() }, organisation, {
      id: 'esc-referral',
      cause: 'referral-outcome',
      source: 'raised',
      summary: 'Concern about a referral outcome involving Thames Valley Police about case MASH-2026-0042.',
      caseReference: 'MASH-2026-0042',
      immediateRisk: true,
      raisedBy: { name: 'Sam Raiser' },
      involvedPersonIds: ['pat'],
      startStage: 1,
    });
    await sender.drain(ORG);

    expect(graph.mails).toHaveLength(1);
    const mail = shown(graph.mails[0]!);
    expect(mail).toEqual({
      subject: 'A safeguarding escalation to see in Teams',
      body:
        'A safeguarding escalation to see in Teams There is a safeguarding escalation for you to read and acknowledge in the Safeguarding Action Tracker in Teams. ' +
        'Open the Safeguarding Action Tracker in Teams to read and acknowledge it: type "escalations" in the chat with the app. Replies to this email are not read.',
    });
    const said = `${mail.subject} ${mail.body}`;
    for (const detail of ['Immediate risk', 'referral', 'Concern', 'stage', 'Stage', escalation.ref, 'MASH-2026-0042', 'Thames', 'Sam Raiser', 'respond by'])
      expect(said).not.toContain(detail);
  });

  it('a leave delegate’s emailed digest gives each covered action’s reference, status and when it is due, not its description or whose it is', async () => {
    await seed(store, {
      people: [
        person({ id: 'cat', name: 'Cat Lead', email: 'cat@council.example', leave: { until: '2026-12-31', delegateId: 'col' } }),
        person({ id: 'col', name: 'Col Colleague', email: 'col@council.example' }),
      ],
      actions: [
        actionDoc({
          id: 'cats',
          ref: 'LP4.1',
          description: 'Review the referral for case MASH-2026-0042 with the school',
          status: 'A',
          leadIds: ['cat'],
          leads: [{ name: 'Cat Lead', personId: 'cat' }],
          due: { dates: ['2026-11-24'], ongoing: null, text: '24 November 2026' },
          nextDueDate: '2026-11-24',
        }),
        actionDoc({
          id: 'cols',
          ref: 'LP5.2',
          description: 'Deliver the multi-agency training day',
          status: 'G',
          leadIds: ['col'],
          leads: [{ name: 'Col Colleague', personId: 'col' }],
          due: { dates: ['2026-11-24'], ongoing: null, text: '24 November 2026' },
          nextDueDate: '2026-11-24',
        }),
      ],
    });
    await runJob('daily-reminders', {
      store,
      clock,
      orgId: ORG,
      organisation: await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' }),
      calendar: new WorkingCalendar(),
      logger: silentLogger,
    });
    await sender.drain(ORG);

    expect(graph.mails.map((m) => m.message.toRecipients[0].emailAddress.address)).toEqual(['col@council.example']);
    const { body } = shown(graph.mails[0]!);
    // Col's own action, as any lead's digest gives it.
    expect(body).toContain('LP5.2 (Green): Deliver the multi-agency training day due in 1 working day (24 Nov 2026)');
    // The action Col covers: reference, status and when, and that it is a colleague's.
    expect(body).toContain(
      'LP4.1 (Amber): you cover this action for a colleague on leave; its description is in Teams only. due in 1 working day (24 Nov 2026)',
    );
    for (const detail of ['MASH-2026-0042', 'Review the referral', 'Cat']) expect(body).not.toContain(detail);
  });
});
