/**
 * Council scale on the embedded store: a county council's people, training history, action plan,
 * two years of escalations and questionnaire answers, then what people and jobs do with them.
 *
 *   npm run bench:council [-- --people 20000 --records 300000 --actions 10000 --escalations 2000 --campaigns 8 --samples 100 --users 4]
 *
 * The store, the app and this load generator each run in their own process. Seeding goes through
 * the store adapter with concurrent requests (and the real use cases for questionnaires, whose
 * answers are stored so they cannot be tied to a person). Then, with the app otherwise idle:
 * `my training`, `my actions` (messages to the bot) and a card answer (a RAG update through
 * Action.Execute), each by a different person per request from USERS at a time; every tab view;
 * HR's completion rates by department as at a date; every daily job once; and the store process's
 * memory after a full garbage collection.
 */
import { rebuildTrainingSummaries } from '../../services/training/summaries';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { FixedClock } from '../../services/core/clock';
import { mapConcurrently } from '../../services/core/concurrency';
import { silentLogger } from '../../services/core/logger';
import type { Person } from '../../services/people/model';
import { ensureOrganisation } from '../../services/organisation/organisations';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { JOBS, runJob } from '../../bot/jobs';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { createCampaign } from '../../services/surveys/campaigns';
import { setUpTraining } from '../../services/training/catalogue';
import { trainingRates } from '../../services/training/reports';
import { FakeConnector } from '../harness/fake-connector';
import { ORG } from '../harness/fixtures';
import { messageActivity } from '../harness/teams-activities';
import {
  actionAt,
  AS_AT,
  conversationAt,
  DEPARTMENTS,
  escalationAt,
  isoDay,
  personAt,
  recordAt,
  REQUIREMENTS,
  upsertAll,
  type CouncilSizes,
} from './council-data';
import { DAILY_JOBS, startCouncilApp, submitAwareness } from './council-app';
import { startProcess } from './processes';
import { randomBytes } from 'node:crypto';
import { OPERATOR } from '../../services/access/policy';
import { AnswerSeal } from '../../services/surveys/seal';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '20000' },
    records: { type: 'string', default: '300000' },
    actions: { type: 'string', default: '10000' },
    escalations: { type: 'string', default: '2000' },
    campaigns: { type: 'string', default: '8' },
    samples: { type: 'string', default: '100' },
    users: { type: 'string', default: '4' },
  },
});
const PEOPLE = Number(values.people);
const RECORDS = Number(values.records);
const ACTIONS = Number(values.actions);
const ESCALATIONS = Number(values.escalations);
const CAMPAIGNS = Number(values.campaigns);
const SAMPLES = Number(values.samples);
const USERS = Number(values.users);
const SIZES: CouncilSizes = { people: PEOPLE, actions: ACTIONS, escalations: ESCALATIONS };

type Sample = { kind: string; ms: number; ok: boolean };

async function timed(samples: Sample[], kind: string, run: () => Promise<boolean>): Promise<void> {
  const t0 = performance.now();
  let ok: boolean;
  try {
    ok = await run();
  } catch {
    ok = false;
  }
  samples.push({ kind, ms: performance.now() - t0, ok });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function summary(samples: Sample[]) {
  const kinds = [...new Set(samples.map((s) => s.kind))];
  return kinds.map((kind) => {
    const mine = samples.filter((s) => s.kind === kind);
    const ms = mine.map((s) => s.ms).sort((a, b) => a - b);
    return {
      what: kind,
      requests: mine.length,
      errors: mine.filter((s) => !s.ok).length,
      'p50 ms': +percentile(ms, 0.5).toFixed(1),
      'p99 ms': +percentile(ms, 0.99).toFixed(1),
      'max ms': +ms.at(-1)!.toFixed(1),
    };
  });
}

const mib = (bytes: number) => +(bytes / 1024 / 1024).toFixed(0);

async function main() {
  const started = performance.now();
  // The app and this process's seeding share one seal key (anonymous answers wait sealed).
  process.env.SURVEY_SEAL_KEY ??= randomBytes(32).toString('base64');
  const seal = AnswerSeal.fromBase64(process.env.SURVEY_SEAL_KEY);
  const storeProcess = await startProcess<{ endpoint: string; key: string }>(
    'store-process',
    ['--report-memory'],
    ['--expose-gc', '--max-old-space-size=4096'],
  );
  type StoreReport = { memory: { rss: number; heapUsed: number }; gc: { pauses: number; totalMs: number; longestMs: number } };
  /** The store's memory after a full collection, and its garbage-collection pauses so far. */
  const askStore = async (): Promise<StoreReport> => {
    const answer = once(storeProcess.lines, 'line');
    storeProcess.child.kill('SIGUSR2');
    return JSON.parse(((await answer) as [string])[0]) as StoreReport;
  };
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key),
    databaseId: 'bench',
    description: 'council',
    canCreate: true,
  });
  const seedClient = embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key);
  const database = seedClient.database('bench');
  const connector = await FakeConnector.start();
  const calendar = new WorkingCalendar();
  const seedClock = new FixedClock(`${AS_AT}T07:00:00Z`);
  const organisation = await ensureOrganisation(store, seedClock, ORG, { timeZone: 'Europe/London' });
  await setUpTraining(store, ORG, { requirements: REQUIREMENTS });

  const seeding: Record<string, number | string>[] = [];
  const seed = async (what: string, count: number, run: () => Promise<number>) => {
    const s = await run();
    seeding.push({ what, documents: count, seconds: +s.toFixed(1), 'per second': Math.round(count / s) });
    console.error(`seeded ${count} ${what} in ${s.toFixed(1)} s`);
  };
  await seed('people', PEOPLE, () => upsertAll(database, 'people', PEOPLE, personAt));
  await seed('Teams conversations', PEOPLE, () => upsertAll(database, 'conversations', PEOPLE, (i) => conversationAt(i, connector.serviceUrl)));
  await seed('training records', RECORDS, () => upsertAll(database, 'training', RECORDS, (i) => recordAt(i, PEOPLE)));
  // Written in bulk, so their summaries are built as an existing deployment's are at its first start.
  await seed('training summaries (first build)', PEOPLE, async () => {
    const t0 = performance.now();
    await rebuildTrainingSummaries(store, ORG);
    return (performance.now() - t0) / 1000;
  });
  await seed('actions', ACTIONS, () => upsertAll(database, 'actions', ACTIONS, (i) => actionAt(i, SIZES, calendar)));
  await seed('escalations (2 years)', ESCALATIONS, () => upsertAll(database, 'escalations', ESCALATIONS, (i) => escalationAt(i, SIZES)));

  // Questionnaires every quarter for two years, each to one department, answered by 40% through
  // the real use cases (answers in shared documents, "responded" markers apart).
  const hr = personAt(0);
  let answered = 0;
  const surveyStart = performance.now();
  for (let c = 0; c < CAMPAIGNS; c++) {
    const sentOn = isoDay('2024-12-02', Math.floor((c * 700) / Math.max(1, CAMPAIGNS)));
    const clock = new FixedClock(`${sentOn}T09:00:00Z`);
    const department = DEPARTMENTS[c % DEPARTMENTS.length]!;
    const campaign = await createCampaign(
      { store, clock, calendar },
      {
        actor: hr,
        timeZone: 'Europe/London',
        data: { questionnaire: 'awareness', audience: { type: 'department', department }, anonymous: true, closesOn: isoDay(sentOn, 28) },
      },
    );
    // A quarter of the department answers.
    const audience = Array.from({ length: PEOPLE }, (_, i) => personAt(i)).filter(
      (p) => p.department === department && p.active && Number(p.id.slice(1)) % 4 === 0,
    );
    const answerClock = new FixedClock(`${isoDay(sentOn, 3)}T12:00:00Z`);
    await mapConcurrently(audience, 8, async (actor) => {
      if (await submitAwareness({ store, clock: answerClock, seal }, actor, campaign.id)) answered++;
    });
  }
  const surveySeconds = (performance.now() - surveyStart) / 1000;
  seeding.push({
    what: `questionnaire campaigns (${CAMPAIGNS}) and answers`,
    documents: answered,
    seconds: +surveySeconds.toFixed(1),
    'per second': Math.round(answered / surveySeconds),
  });
  console.error(`seeded ${CAMPAIGNS} campaigns with ${answered} answers in ${surveySeconds.toFixed(1)} s`);
  const seedSeconds = (performance.now() - started) / 1000;
  seedClient.dispose();
  console.log(`council scale on the embedded store (own process, over HTTP); node ${process.version}; seeding took ${seedSeconds.toFixed(0)} s`);
  console.table(seeding);

  // The app, with its delivery engine idle (the seeded invitations would otherwise be sent during the measurements).
  const { appProcess, userOf, staff, leadOf, replied, cardAnswer, tab } = await startCouncilApp(storeProcess.ready, connector, SIZES);
  const samples: Sample[] = [];

  // Warm-up: the first request of each kind builds the store's indexes and the app's caches.
  await replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(staff(0)), text: 'my training' }));
  await replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(leadOf(0)), text: 'my actions' }));

  const gcBefore = (await askStore()).gc;
  const interactive: [string, (n: number) => Promise<boolean>][] = [
    ['my training (message)', (n) => replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(staff(n + 1)), text: 'my training' }))],
    ['my actions (message)', (n) => replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(leadOf(n + 1)), text: 'my actions' }))],
    ['card answer (RAG update)', cardAnswer],
  ];
  for (const [kind, run] of interactive) {
    let next = 0;
    await Promise.all(
      Array.from({ length: USERS }, async () => {
        for (let n = next++; n < SAMPLES; n = next++) await timed(samples, kind, () => run(n));
      }),
    );
  }
  console.log(`messages and card answers, ${USERS} people at a time, a different person each time:`);
  console.table(summary(samples));
  const gcAfter = (await askStore()).gc;
  console.log(
    `the store's garbage collections meanwhile: ${gcAfter.pauses - gcBefore.pauses} pauses, ${Math.round(gcAfter.totalMs - gcBefore.totalMs)} ms in all (the longest since it started: ${Math.round(gcAfter.longestMs)} ms)`,
  );
  const tabFrom = samples.length;

  // Tab views, one viewer at a time: each is a page load, so fewer samples.
  const tabSamples = Math.max(5, Math.floor(SAMPLES / 10));
  const views: [string, string, (n: number) => Person][] = [
    ['tab: my actions', '/api/tab/my-actions', (n) => leadOf(n)],
    ['tab: plan (administrator)', '/api/tab/plan', () => hr],
    ['tab: escalations (safeguarding lead)', '/api/tab/escalations', () => personAt(1)],
    ['tab: escalations (member of staff)', '/api/tab/escalations', (n) => staff(n)],
    ['tab: training by department (HR)', '/api/tab/training?by=department', () => hr],
    ['tab: overdue training, named (HR)', '/api/tab/training/overdue', () => hr],
    ['tab: questionnaires (HR)', '/api/tab/questionnaires', () => hr],
    ['tab: reach, named (administrator)', '/api/tab/reach', () => hr],
  ];
  for (const [kind, path, viewer] of views) {
    await tab(path, viewer(0))(); // warm-up
    for (let n = 1; n <= tabSamples; n++) await timed(samples, kind, tab(path, viewer(n)));
  }
  console.log('tab views, one at a time:');
  console.table(summary(samples.slice(tabFrom)));

  const rates: number[] = [];
  let departments = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    departments = (await trainingRates({ store }, ORG, AS_AT, 'department', OPERATOR)).length - 1;
    rates.push(performance.now() - t0);
  }

  // Every daily job once, on a Monday (the weekly training reminders run then), in schedule order.
  const jobs: Record<string, unknown>[] = [];
  for (const [job, at] of DAILY_JOBS) {
    const clock = new FixedClock(`${AS_AT}T${at}:00Z`);
    const t0 = performance.now();
    const result = await runJob(job, { store, clock, orgId: ORG, organisation, calendar, logger: silentLogger, seal });
    const { job: _name, at: _at, ...figures } = result;
    jobs.push({ job, seconds: +((performance.now() - t0) / 1000).toFixed(2), result: JSON.stringify(figures).slice(0, 90) });
  }

  const { memory } = await askStore();

  console.log(
    `HR completion rates by department as at ${AS_AT} (${departments} departments, ${RECORDS} records, ${PEOPLE} people), 3 runs: ${rates.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`,
  );
  console.log(`daily jobs on ${AS_AT} (${Object.keys(JOBS).length} jobs):`);
  console.table(jobs);
  console.log(`embedded store process after a full GC, holding the data set: rss ${mib(memory.rss)} MiB, heap used ${mib(memory.heapUsed)} MiB`);
  console.log(`whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await appProcess.stop();
  await connector.close();
  await store.close();
  await storeProcess.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
