/**
 * Soak: the app under a realistic mix for a bounded time, printing throughput, p99 latency, errors
 * and the app's memory (after a full collection) for each window, so growth shows as a trend.
 *
 *   npm run bench:soak [-- --minutes 5 --staff 2000 --updaters 50 --respondents 10 --tab-users 10 --window 30]
 *
 * The mix: STAFF people installed in Teams; UPDATERS officers answering RAG update cards back to
 * back with about a second to read each; a questionnaire campaign to every member of staff, sent
 * by the app's delivery engine through a connector enforcing Teams' limits, answered by
 * RESPONDENTS people at a time; the daily jobs (reminders, escalations, round chasers,
 * questionnaires) for a new simulated working day every 20 s, run from this process as a second
 * instance would; and tab users reading the dashboard's data.
 */
import { parseArgs } from 'node:util';
import { FixedClock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import { deliveryStatus } from '../../services/delivery/outbox';
import type { Person } from '../../services/people/model';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Action } from '../../services/plan/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { runJob, type JobName } from '../../bot/jobs';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { createCampaign } from '../../services/surveys/campaigns';
import { installedPeople } from '../harness/delivery';
import { FakeConnector, TEAMS_RATE_LIMITS } from '../harness/fake-connector';
import { actionDoc, ORG } from '../harness/fixtures';
import { invokeActionExecute, postActivity, type TeamsUser } from '../harness/teams-activities';
import { startProcess } from './processes';
import { randomBytes } from 'node:crypto';
import { AnswerSeal } from '../../services/surveys/seal';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    staff: { type: 'string', default: '2000' },
    updaters: { type: 'string', default: '50' },
    respondents: { type: 'string', default: '10' },
    'tab-users': { type: 'string', default: '10' },
    window: { type: 'string', default: '30' },
  },
});
const MINUTES = Number(values.minutes);
const STAFF = Number(values.staff);
const UPDATERS = Number(values.updaters);
const RESPONDENTS = Number(values.respondents);
const TAB_USERS = Number(values['tab-users']);
const WINDOW_MS = Number(values.window) * 1000;
const SIM_DAY_MS = 20_000;
const LEADS = Math.min(200, STAFF);

type Sample = { kind: string; at: number; ms: number; ok: boolean };
const samples: Sample[] = [];
const memory: { at: number; heapUsed: number; rss: number }[] = [];
const jobRuns: { at: number; job: string; ms: number; ok: boolean }[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const userOf = (p: Person): TeamsUser => ({ id: `29:${p.id}`, aadObjectId: p.aadObjectId!, name: p.name });

async function timed(kind: string, run: () => Promise<boolean>): Promise<boolean> {
  const t0 = performance.now();
  let ok: boolean;
  try {
    ok = await run();
  } catch {
    ok = false;
  }
  samples.push({ kind, at: performance.now(), ms: performance.now() - t0, ok });
  return ok;
}

async function main() {
  const storeProcess = await startProcess<{ endpoint: string; key: string }>('store-process');
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key),
    databaseId: 'bench',
    description: 'soak',
    canCreate: true,
  });
  const connector = await FakeConnector.start({ limits: TEAMS_RATE_LIMITS });
  const calendar = new WorkingCalendar();

  const seedStart = performance.now();
  const staff = await installedPeople(store, connector.serviceUrl, STAFF, { prefix: 's' });
  const hr = { ...staff[0]!, roles: ['hr', 'admin'] as Person['roles'] };
  await store.collection<Person>('people').upsert(hr);
  const actions = store.collection<Action>('actions');
  // Plan actions for LEADS leads, due over the coming weeks so reminders go every simulated day.
  for (let i = 0; i < LEADS * 2; i++) {
    const lead = staff[i % LEADS]!;
    const due = calendar.addWorkingDays('2026-11-23', 1 + (i % 30));
    await actions.upsert(
      actionDoc({
        id: `plan-${i}`,
        ref: `LP${1 + (i % 6)}.${i}`,
        leadIds: [lead.id],
        leads: [{ name: lead.name, personId: lead.id }],
        due: { dates: [due], ongoing: null, text: due },
        nextDueDate: due,
      }),
    );
  }
  const updaters = staff.slice(LEADS, LEADS + UPDATERS);
  for (const p of updaters) await actions.upsert(actionDoc({ id: `soak-${p.id}`, leadIds: [p.id], leads: [{ name: p.name, personId: p.id }] }));
  console.log(`seeded ${STAFF} staff with Teams conversations and ${LEADS * 2 + UPDATERS} actions in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  // The app and this process's jobs share one seal key (the questionnaire job pools answers at closing).
  process.env.SURVEY_SEAL_KEY ??= randomBytes(32).toString('base64');
  const seal = AnswerSeal.fromBase64(process.env.SURVEY_SEAL_KEY);
  const appProcess = await startProcess<{ app: string; pid: number; localSecret: string }>(
    'soak-app',
    [storeProcess.ready.endpoint, '--report-memory'],
    ['--expose-gc'],
    { BENCH_STORE_KEY: storeProcess.ready.key },
  );
  const url = appProcess.ready.app;
  appProcess.lines.on('line', (line) => {
    const m = JSON.parse(line) as { memory?: { heapUsed: number; rss: number } };
    if (m.memory) memory.push({ at: performance.now(), heapUsed: m.memory.heapUsed, rss: m.memory.rss });
  });

  const started = performance.now();
  const deadline = started + MINUTES * 60_000;
  const simStart = new FixedClock('2026-11-23T09:00:00Z');
  const campaign = await createCampaign(
    { store, clock: simStart, calendar },
    {
      actor: hr,
      timeZone: 'Europe/London',
      data: { questionnaire: 'awareness', audience: { type: 'everyone' }, anonymous: true, closesOn: '2027-03-31' },
    },
  );

  const updating = updaters.map(async (p) => {
    let version = 1;
    await sleep(Math.random() * 1000);
    while (performance.now() < deadline) {
      const data = {
        actionId: `soak-${p.id}`,
        version,
        status: version % 2 ? 'G' : 'A',
        progress: `Update ${version}`,
        reason: 'Soak',
        remedialAction: 'Soak',
      };
      const ok = await timed('card update', async () => {
        const res = await postActivity(url, invokeActionExecute({ serviceUrl: connector.serviceUrl, user: userOf(p), verb: 'action.update', data }));
        return res.status === 200 && JSON.stringify(res.body?.value ?? '').includes('Updated to');
      });
      if (ok) version++;
      await sleep(500 + Math.random() * 1000);
    }
  });

  let nextRespondent = 0;
  const answers = {
    'q_know-how-to-report': 'yes',
    'q_aware-of-procedures': 'yes',
    q_confidence: 'quite',
    'q_know-dso-name': 'no',
    'q_last-trained': '1-3-years',
    q_comments: '',
  };
  const responding = Array.from({ length: RESPONDENTS }, async () => {
    while (performance.now() < deadline && nextRespondent < staff.length) {
      const p = staff[nextRespondent++]!;
      let answerKey: string | undefined;
      await timed('questionnaire open', async () => {
        const res = await postActivity(
          url,
          invokeActionExecute({ serviceUrl: connector.serviceUrl, user: userOf(p), verb: 'survey.open', data: { campaignId: campaign.id } }),
        );
        answerKey = JSON.stringify(res.body?.value ?? '').match(/"answerKey":"([^"]+)"/)?.[1];
        return res.status === 200 && !!answerKey;
      });
      if (answerKey) {
        await timed('questionnaire submit', async () => {
          const res = await postActivity(
            url,
            invokeActionExecute({
              serviceUrl: connector.serviceUrl,
              user: userOf(p),
              verb: 'survey.page',
              data: { campaignId: campaign.id, page: 0, move: 'submit', carried: '{}', answerKey, ...answers },
            }),
          );
          return res.status === 200 && JSON.stringify(res.body?.value ?? '').includes('your answers are saved');
        });
      }
      await sleep(1000);
    }
  });

  // Dashboard users (local sign-in, as the soak app runs in local mode): the plan, their actions and
  // HR's questionnaire results, one page every two seconds or so.
  const tabPages = ['/api/tab/plan', '/api/tab/my-actions', '/api/tab/escalations', `/api/tab/questionnaires/${campaign.id}`];
  const browsing = Array.from({ length: TAB_USERS }, async (_, i) => {
    const viewer = i === 0 ? hr : staff[LEADS + UPDATERS + i]!;
    for (let n = i; performance.now() < deadline; n++) {
      const page = tabPages[n % tabPages.length]!;
      if (page.startsWith('/api/tab/questionnaires') && viewer !== hr) continue;
      await timed(
        'tab page',
        async () =>
          (await fetch(`${url}${page}`, { headers: { authorization: `Local ${viewer.id}`, 'x-local-secret': appProcess.ready.localSecret } }).then((r) =>
            r.arrayBuffer().then(() => r.status),
          )) === 200,
      );
      await sleep(1500 + Math.random() * 1000);
    }
  });

  const jobs = (async () => {
    for (let day = 1; performance.now() < deadline; day++) {
      const date = calendar.addWorkingDays('2026-11-23', day);
      for (const [job, hour] of [
        ['escalations', '08:30'],
        ['daily-reminders', '09:00'],
        ['round-chasers', '10:00'],
        ['questionnaires', '10:00'],
      ] as [JobName, string][]) {
        const clock = new FixedClock(`${date}T${hour}:00Z`);
        const t0 = performance.now();
        let ok = true;
        try {
          await runJob(job, {
            store,
            clock,
            orgId: ORG,
            organisation: await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' }),
            calendar,
            logger: silentLogger,
            seal,
          });
        } catch {
          ok = false;
        }
        jobRuns.push({ at: performance.now(), job, ms: performance.now() - t0, ok });
      }
      await sleep(Math.max(0, Math.min(SIM_DAY_MS, deadline - performance.now())));
    }
  })();

  const report = setInterval(() => printWindow(started, Math.floor((performance.now() - started) / WINDOW_MS) - 1), WINDOW_MS);
  await Promise.all([...updating, ...responding, ...browsing, jobs]);
  clearInterval(report);
  // Let the engine finish what is queued, then check nothing was lost or sent twice.
  await sleep(5000);
  // Invitations only: a chaser to someone who has not answered yet starts "Reminder:".
  const invitations = new Map<string, number>();
  let chasers = 0;
  for (const a of connector.activities()) {
    const card = JSON.stringify(a.attachments?.[0]?.content ?? '');
    if (!card.includes(`"campaignId":"${campaign.id}"`)) continue;
    if (card.includes('Reminder: ')) chasers++;
    else invitations.set(a.conversation.id, (invitations.get(a.conversation.id) ?? 0) + 1);
  }
  const { counts } = await deliveryStatus(store, ORG);
  const windows = Math.ceil((performance.now() - started) / WINDOW_MS);
  console.log(
    `\nsoak: ${MINUTES} min, ${STAFF} staff, ${UPDATERS} updaters, ${RESPONDENTS} respondents at a time, ${TAB_USERS} dashboard users, node ${process.version}; store, app and load in separate processes`,
  );
  console.table(Array.from({ length: windows }, (_, w) => windowRow(started, w)).filter(Boolean));
  const after = (ms: number) => memory.find((m) => m.at - started >= ms) ?? memory.at(-1)!;
  const first = after(WINDOW_MS);
  const last = memory.at(-1)!;
  console.log(
    `app heap after GC: ${mb(first.heapUsed)} MiB at the end of the first window → ${mb(last.heapUsed)} MiB at the end (${(((last.heapUsed - first.heapUsed) / first.heapUsed) * 100).toFixed(1)}%); rss ${mb(first.rss)} → ${mb(last.rss)} MiB`,
  );
  console.log(
    `jobs: ${jobRuns.length} runs over ${new Set(jobRuns.map((j) => Math.floor(j.at / SIM_DAY_MS))).size} simulated days, ${jobRuns.filter((j) => !j.ok).length} failed, slowest ${Math.round(Math.max(...jobRuns.map((j) => j.ms)))} ms`,
  );
  console.log(
    `invitations: ${invitations.size} of ${STAFF} staff reached, ${[...invitations.values()].filter((n) => n > 1).length} twice; ${chasers} chasers to those yet to answer; outbox ${JSON.stringify(counts)}; 429s from the connector: ${connector.calls.filter((c) => c.status === 429).length}`,
  );
  await appProcess.stop();
  await connector.close();
  await store.close();
  await storeProcess.stop();
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function windowRow(started: number, w: number) {
  const from = started + w * WINDOW_MS;
  const to = from + WINDOW_MS;
  const inWindow = samples.filter((s) => s.at >= from && s.at < to);
  if (inWindow.length === 0) return undefined;
  const p99 = (kind: string) => {
    const sorted = inWindow
      .filter((s) => s.kind === kind)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    return sorted.length ? +sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!.toFixed(1) : NaN;
  };
  const mem = memory.filter((m) => m.at < to).at(-1);
  return {
    window: `${(w * WINDOW_MS) / 1000}-${(w + 1) * (WINDOW_MS / 1000)} s`,
    'req/s': +(inWindow.length / (WINDOW_MS / 1000)).toFixed(1),
    errors: inWindow.filter((s) => !s.ok).length,
    'update p99 ms': p99('card update'),
    'answer p99 ms': p99('questionnaire submit'),
    'tab p99 ms': p99('tab page'),
    'jobs ms': Math.round(jobRuns.filter((j) => j.at >= from && j.at < to).reduce((n, j) => n + j.ms, 0)),
    'heap MiB': mem ? +mb(mem.heapUsed) : NaN,
    'rss MiB': mem ? +mb(mem.rss) : NaN,
  };
}

function printWindow(started: number, w: number) {
  const row = windowRow(started, w);
  if (row) console.log(JSON.stringify(row));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
