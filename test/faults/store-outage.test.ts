import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startApp, type App } from '../../bot/app';
import { FixedClock } from '../../services/core/clock';
import { loadConfig } from '../../services/core/config';
import { silentLogger } from '../../services/core/logger';
import type { OutboxItem } from '../../services/delivery/model';
import type { Escalation } from '../../services/escalations/model';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Action } from '../../services/plan/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { StoreRunCoordinator } from '../../services/scheduling/coordinator';
import { JOBS, runJob } from '../../bot/jobs';
import { runSlot, type SlotDeps } from '../../services/scheduling/scheduler';
import { toArray } from '../../services/store/ports';
import { submitStatusUpdate } from '../../services/updates/status-update';
import { storeBehindProxy } from '../harness/cuttable-proxy';
import { installedPeople } from '../harness/delivery';
import { FakeConnector } from '../harness/fake-connector';
import { actionDoc, ORG, person, seed } from '../harness/fixtures';
import { invokeActionExecute, postActivity, TEST_TENANT_ID } from '../harness/teams-activities';
import { DomainEvents } from '../../services/events/domain-events';
import { domainEvents } from '../../bot/modules';

const TZ = 'Europe/London';
const calendar = new WorkingCalendar();

/**
 * The store goes away for a while: its connections are dropped and new ones refused by a proxy in
 * front of a real Cosmos-compatible server. Requests fail with a clear message, jobs try again
 * later, and nothing is left half-done.
 */
describe('when the store is unreachable for a while', () => {
  let env: Awaited<ReturnType<typeof storeBehindProxy>>;
  let connector: FakeConnector;
  beforeAll(async () => {
    env = await storeBehindProxy();
    connector = await FakeConnector.start();
  });
  afterAll(async () => {
    await connector.close();
    await env.close();
  });
  afterEach(() => env.proxy.restore());

  it('a card answer gets a card saying so (no 500), /readyz says not ready while /healthz stays alive, and the same answer saves once when it is back', async () => {
    const app: App = await startApp({
      config: loadConfig({
        PORT: '0',
        DEFAULT_ORG_ID: ORG,
        LOG_LEVEL: 'silent',
        SCHEDULER_ENABLED: 'false',
        SURVEY_SEAL_KEY: randomBytes(32).toString('base64'),
        ALLOWED_TENANT_IDS: TEST_TENANT_ID,
        DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'outage-app-')),
      }),
      logger: silentLogger,
      store: env.store,
      clock: new FixedClock('2026-11-23T10:00:00Z'),
    });
    try {
      await seed(env.store, {
        people: [person({ id: 'olly', name: 'Olly Officer', aadObjectId: 'aad-olly' })],
        actions: [actionDoc({ id: 'a-olly', leadIds: ['olly'] })],
      });
      const answer = invokeActionExecute({
        serviceUrl: connector.serviceUrl,
        user: { id: '29:olly', aadObjectId: 'aad-olly', name: 'Olly Officer' },
        verb: 'action.update',
        data: { actionId: 'a-olly', version: 1, status: 'G', progress: 'On track' },
      });

      env.proxy.cut();
      const refused = await postActivity(app.url, answer);
      expect(refused.status).toBe(200);
      expect(JSON.stringify(refused.body.value)).toMatch(/not reachable right now[\s\S]*STORE_UNAVAILABLE/);
      const readiness = await fetch(`${app.url}/readyz`);
      expect(readiness.status).toBe(503);
      expect(await readiness.json()).toMatchObject({ status: 'not ready', reasons: ['the store is not reachable'] });
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

      env.proxy.restore();
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      const saved = await postActivity(app.url, answer);
      expect(JSON.stringify(saved.body.value)).toMatch(/Updated to/);
      const action = (await env.store.collection<Action>('actions').read(ORG, 'a-olly'))!;
      expect(action.version).toBe(2);
      expect(action.history).toHaveLength(1);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('a job slot that falls in the outage is retried, runs once when the store is back, and a second instance does not run it', async () => {
    await installedPeople(env.store, connector.serviceUrl, 20, { prefix: 'owner' });
    // Due 7 working days after the slot: a reminder day.
    const due = calendar.addWorkingDays('2026-11-23', 7);
    for (let i = 0; i < 20; i++)
      await env.store
        .collection<Action>('actions')
        .upsert(actionDoc({ id: `due-${i}`, leadIds: [`owner${i}`], due: { dates: [due], ongoing: null, text: due }, nextDueDate: due }));
    const slot = new Date('2026-11-23T09:00:00Z');
    const slotClock = new FixedClock('2026-11-23T09:00:05Z');
    const waits: number[] = [];
    const deps = (instance: string): SlotDeps => ({
      jobs: JOBS,
      jobDeps: {},
      store: env.store,
      logger: silentLogger,
      calendar,
      orgId: ORG,
      timeZone: TZ,
      // The instances' clocks read a moment after the slot, whatever today's date is.
      coordinator: new StoreRunCoordinator(env.store, ORG, slotClock, instance),
      wall: slotClock,
      retry: { firstDelayMs: 10, maxDelayMs: 40, windowMs: 10 * 60_000 },
      // The outage ends while the first instance waits to retry.
      wait: async (ms) => {
        waits.push(ms);
        env.proxy.restore();
      },
    });
    env.proxy.cut();
    await expect(runSlot(deps('a'), 'daily-reminders', slot)).resolves.toBe('ran');
    expect(waits.length).toBeGreaterThanOrEqual(1);
    await expect(runSlot(deps('b'), 'daily-reminders', slot)).resolves.toBe('elsewhere');
    const reminders = await toArray(
      env.store
        .collection<OutboxItem>('outbox')
        .query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.purpose = 'reminder'", parameters: [{ name: '@orgId', value: ORG }] }),
    );
    expect(reminders).toHaveLength(20);
  }, 90_000);

  it('a job cut off part-way is completed by its retry: every digest once', async () => {
    const due = calendar.addWorkingDays('2026-11-30', 7);
    for (let i = 20; i < 120; i++) {
      await installedPeople(env.store, connector.serviceUrl, 1, { prefix: `late${i}-` });
      await env.store
        .collection<Action>('actions')
        .upsert(actionDoc({ id: `late-${i}`, leadIds: [`late${i}-0`], due: { dates: [due], ongoing: null, text: due }, nextDueDate: due }));
    }
    const clock = new FixedClock('2026-11-30T09:00:00Z');
    const organisation = await ensureOrganisation(env.store, clock, ORG, { timeZone: TZ });
    const job = runJob('daily-reminders', { store: env.store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
    // Cut the store while the job is writing its digests.
    const outbox = env.store.collection<OutboxItem>('outbox');
    const count = async () =>
      (
        await toArray(
          outbox.query({
            query: "SELECT * FROM c WHERE c.orgId = @orgId AND STARTSWITH(c.id, 'reminders-2026-11-30')",
            parameters: [{ name: '@orgId', value: ORG }],
          }),
        )
      ).length;
    while ((await count()) < 3) await new Promise((r) => setTimeout(r, 2));
    env.proxy.cut();
    await expect(job).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    env.proxy.restore();
    const partial = await count();
    expect(partial).toBeLessThan(100);
    await runJob('daily-reminders', { store: env.store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
    const items = await toArray(
      outbox.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND STARTSWITH(c.id, 'reminders-2026-11-30')",
        parameters: [{ name: '@orgId', value: ORG }],
      }),
    );
    expect(items).toHaveLength(100);
    expect(new Set(items.map((i) => (i.recipient as { personId: string }).personId)).size).toBe(100);
  }, 90_000);

  it('a Red answer saved just before the store failed still opens its escalation: the same card again, or the nightly job', async () => {
    const lead = person({ id: 'rhea', name: 'Rhea Lead', aadObjectId: 'aad-rhea' });
    await seed(env.store, { people: [lead], actions: [actionDoc({ id: 'red-1', leadIds: ['rhea'] }), actionDoc({ id: 'red-2', leadIds: ['rhea'] })] });
    const clock = new FixedClock('2026-11-24T10:00:00Z');
    const organisation = await ensureOrganisation(env.store, clock, ORG, { timeZone: TZ });
    const red = (id: string) => ({ actionId: id, version: 1, status: 'R', progress: 'Stalled', reason: 'No venue', remedialAction: 'Ask the director' });
    // The action is saved but the follow-ups never ran (as when the store went away between the two): nothing reacts to the event.
    for (const id of ['red-1', 'red-2'])
      await submitStatusUpdate({ store: env.store, clock, events: new DomainEvents() }, { actor: lead, timeZone: TZ, data: red(id) });
    const escalations = () =>
      toArray(
        env.store
          .collection<Escalation>('escalations')
          .query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.cause = 'action-red'", parameters: [{ name: '@orgId', value: ORG }] }),
      );
    expect(await escalations()).toHaveLength(0);
    // The person presses Update again on the same card: stored once, and the escalation opens.
    const again = await submitStatusUpdate({ store: env.store, clock, events: domainEvents(calendar) }, { actor: lead, timeZone: TZ, data: red('red-1') });
    expect(again.kind).toBe('replayed');
    expect((await escalations()).map((e) => e.actionId)).toEqual(['red-1']);
    // The other is found by the nightly job.
    await runJob('escalations', { store: env.store, clock: new FixedClock('2026-11-25T08:30:00Z'), orgId: ORG, organisation, calendar, logger: silentLogger });
    expect((await escalations()).map((e) => e.actionId).sort()).toEqual(['red-1', 'red-2']);
    await runJob('escalations', { store: env.store, clock: new FixedClock('2026-11-26T08:30:00Z'), orgId: ORG, organisation, calendar, logger: silentLogger });
    expect(await escalations()).toHaveLength(2);
    expect((await env.store.collection<Action>('actions').read(ORG, 'red-1'))!.history).toHaveLength(1);
  }, 60_000);
});
