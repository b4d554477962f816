/**
 * What a county costs on Azure Cosmos DB: the council data set on the embedded store's Azure
 * profile (services/store/azure-profile.ts: Microsoft's request charges, a budget of RU per second
 * per container with 429s beyond it, and a round trip of LATENCY ms on every request), and each of
 * the issue's measures, one request at a time, so the store's meter tells each one's request units
 * and store calls:
 *
 *   npm run bench:azure [-- --people 20000 --records 300000 --actions 10000 --escalations 2000 --samples 30 --latency 5]
 *
 * Prints one line per measure, `measure: <name> p50=<ms> p99=<ms> ru_p99=<RU> calls_max=<n>`, then
 * a county day's RU and what a month costs at list prices (assumptions printed with them). Seeding
 * runs without latency or budget; the limits are switched on for the measurements.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runJob } from '../../bot/jobs';
import { FixedClock } from '../../services/core/clock';
import { mapConcurrently } from '../../services/core/concurrency';
import { silentLogger } from '../../services/core/logger';
import { OutboxRepository } from '../../services/delivery/repository';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Person } from '../../services/people/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { RETRY_OPTIONS } from '../../services/store/request-priority';
import { createCampaign } from '../../services/surveys/campaigns';
import { AnswerSeal } from '../../services/surveys/seal';
import { setUpTraining } from '../../services/training/catalogue';
import { rebuildTrainingSummaries } from '../../services/training/summaries';
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

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '20000' },
    records: { type: 'string', default: '300000' },
    actions: { type: 'string', default: '10000' },
    escalations: { type: 'string', default: '2000' },
    samples: { type: 'string', default: '30' },
    latency: { type: 'string', default: '5' },
    'ru-per-second': { type: 'string', default: '10000' },
    /** A measure stops taking samples after this many seconds (at least two samples). */
    'seconds-per-measure': { type: 'string', default: '120' },
    /** Only the measures whose names start with one of these (comma-separated); all by default. */
    only: { type: 'string' },
  },
});
const PEOPLE = Number(values.people);
const RECORDS = Number(values.records);
const ACTIONS = Number(values.actions);
const ESCALATIONS = Number(values.escalations);
const SAMPLES = Number(values.samples);
const LATENCY_MS = Number(values.latency);
const RU_PER_SECOND = Number(values['ru-per-second']);
const SECONDS_PER_MEASURE = Number(values['seconds-per-measure']);
const ONLY = values.only?.split(',').filter(Boolean);
const LEADS = Math.max(1, Math.floor(ACTIONS / 5));
const SIZES: CouncilSizes = { people: PEOPLE, actions: ACTIONS, escalations: ESCALATIONS };
const CAMPAIGNS = 2;

/**
 * A working day of a county, for the day's RU: every daily job once (measured), what people do
 * (assumed counts times each measure's mean RU), and the delivery loop's idle polls (measured).
 */
const DAY = {
  cardAnswers: 1000,
  myActions: 1000,
  myTraining: 500,
  tabViewsEach: 50,
  questionnairePresses: 500,
  /** The delivery loop polls every 5 s per instance, around the clock. */
  pollsPerDay: 17_280,
  /** Delivering one digest: person and conversation reads, claim and finish writes (the audit's estimate, section 4.3). */
  deliveryRuPerMessage: 17.5,
};
/** List prices in US dollars (https://azure.microsoft.com/pricing/details/cosmos-db/), single write region; UK South is a little higher. */
const PRICE = {
  serverlessPerMillionRu: 0.25,
  autoscalePer100RuPerHour: 0.012,
  autoscaleMaxRuPerSecond: 1000,
  /** Hours a working day at the autoscale maximum (the morning jobs and the night's housekeeping); the rest at its floor, a tenth. */
  peakHoursPerWorkingDay: 4,
  workingDaysPerMonth: 22,
  daysPerMonth: 30.4,
};

type Meter = { totalRu: number; requests: number; throttled: number; lowPriority: number };
type Sample = { ms: number; ru: number; calls: number; ok: boolean };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function main() {
  process.env.SURVEY_SEAL_KEY ??= randomBytes(32).toString('base64');
  const seal = AnswerSeal.fromBase64(process.env.SURVEY_SEAL_KEY);
  const storeProcess = await startProcess<{ endpoint: string; key: string; meter: string }>(
    'store-process',
    ['--azure-profile'],
    ['--max-old-space-size=4096'],
  );
  const meterUrl = storeProcess.ready.meter;
  const meter = async (): Promise<Meter> => (await fetch(meterUrl)).json() as Promise<Meter>;
  const limits = (settings: { ruPerSecond: number; latencyMs: number }) => fetch(meterUrl, { method: 'POST', body: JSON.stringify(settings) });
  // Jobs run in this process as the app's scheduler runs them: with the app's client (short retries; jobs wait out throttling themselves).
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key, RETRY_OPTIONS.interactive),
    databaseId: 'bench',
    description: 'county',
    canCreate: true,
  });
  const seedClient = embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key);
  const database = seedClient.database('bench');
  const connector = await FakeConnector.start();
  const calendar = new WorkingCalendar();
  const organisation = await ensureOrganisation(store, new FixedClock(`${AS_AT}T07:00:00Z`), ORG, { timeZone: 'Europe/London' });
  await setUpTraining(store, ORG, { requirements: REQUIREMENTS });

  const t0 = performance.now();
  await upsertAll(database, 'people', PEOPLE, personAt);
  await upsertAll(database, 'conversations', PEOPLE, (i) => conversationAt(i, connector.serviceUrl));
  await upsertAll(database, 'training', RECORDS, (i) => recordAt(i, PEOPLE));
  await rebuildTrainingSummaries(store, ORG);
  await upsertAll(database, 'actions', ACTIONS, (i) => actionAt(i, SIZES, calendar));
  // The plans the actions belong to (council-data puts 500 actions in each): the plan view shows the first.
  const plans = Math.ceil(ACTIONS / 500);
  await upsertAll(database, 'plans', plans, (p) => ({
    id: `plan-${p}`,
    orgId: ORG,
    title: `Action plan ${p + 1}`,
    learningPoints: Array.from({ length: 9 }, (_, k) => ({ number: k + 1, title: `Learning point ${k + 1}` })),
  }));
  await upsertAll(database, 'escalations', ESCALATIONS, (i) => escalationAt(i, SIZES));
  // Questionnaires to two departments, a quarter answering; the measured presses come from others in the same audience.
  const hr = personAt(0);
  const campaigns: { id: string; department: string; clock: FixedClock }[] = [];
  for (let c = 0; c < CAMPAIGNS; c++) {
    const sentOn = isoDay('2026-10-05', c * 14);
    const department = DEPARTMENTS[c % DEPARTMENTS.length]!;
    const campaign = await createCampaign(
      { store, clock: new FixedClock(`${sentOn}T09:00:00Z`), calendar },
      {
        actor: hr,
        timeZone: 'Europe/London',
        data: { questionnaire: 'awareness', audience: { type: 'department', department }, anonymous: true, closesOn: isoDay(sentOn, 60) },
      },
    );
    const clock = new FixedClock(`${isoDay(sentOn, 3)}T12:00:00Z`);
    campaigns.push({ id: campaign.id, department, clock });
    const audience = Array.from({ length: PEOPLE }, (_, i) => personAt(i)).filter((p) => p.department === department && p.active && answersEarly(p));
    await mapConcurrently(audience, 8, (actor) => pressSubmit(actor, campaign.id, clock));
  }
  seedClient.dispose();
  console.log(
    `county data set: ${PEOPLE} people, ${RECORDS} training records, ${ACTIONS} actions led by ${LEADS} people, ${ESCALATIONS} escalations, ${CAMPAIGNS} questionnaires; seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s; node ${process.version}`,
  );

  /** A quarter of each department (people are spread over departments by index, so every fourth of the department's own). */
  function answersEarly(p: Person): boolean {
    return Math.floor(Number(p.id.slice(1)) / DEPARTMENTS.length) % 4 === 0;
  }

  function pressSubmit(actor: Person, campaignId: string, clock: FixedClock): Promise<boolean> {
    return submitAwareness({ store, clock, seal }, actor, campaignId);
  }

  const { appProcess, userOf, staff, leadOf, replied, cardAnswer, tab } = await startCouncilApp(storeProcess.ready, connector, SIZES);
  // Warm-up without limits: the store's indexes and the app's caches, as a running deployment has them.
  await replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(staff(0)), text: 'my training' }));
  await replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(leadOf(0)), text: 'my actions' }));

  await limits({ ruPerSecond: RU_PER_SECOND, latencyMs: LATENCY_MS });
  const measuredFrom = await meter();
  const results = new Map<string, Sample[]>();

  /** Runs `run` up to `samples` times, one at a time, within the time budget, metering each run. */
  async function measure(name: string, samples: number, run: (n: number) => Promise<boolean>): Promise<void> {
    if (ONLY && !ONLY.some((prefix) => name.startsWith(prefix))) return;
    const list: Sample[] = [];
    const deadline = performance.now() + SECONDS_PER_MEASURE * 1000;
    for (let n = 0; n < samples && (n < 2 || performance.now() < deadline); n++) {
      const before = await meter();
      const t = performance.now();
      let ok = false;
      try {
        ok = await run(n);
      } catch (e) {
        console.error(`${name}: ${(e as Error).message}`);
      }
      const ms = performance.now() - t;
      const after = await meter();
      list.push({ ms, ru: after.totalRu - before.totalRu, calls: after.requests - before.requests, ok });
    }
    results.set(name, list);
    const ms = list.map((s) => s.ms).sort((a, b) => a - b);
    const ru = list.map((s) => s.ru).sort((a, b) => a - b);
    const failed = list.filter((s) => !s.ok).length;
    console.log(
      `measure: ${name} p50=${percentile(ms, 0.5).toFixed(0)} p99=${percentile(ms, 0.99).toFixed(0)} ru_p99=${percentile(ru, 0.99).toFixed(1)} calls_max=${Math.max(...list.map((s) => s.calls))}${failed ? ` (${failed} of ${list.length} failed)` : ''}`,
    );
  }
  const meanRu = (name: string) => {
    const list = results.get(name) ?? [];
    return list.length ? list.reduce((a, s) => a + s.ru, 0) / list.length : 0;
  };

  // The delivery loop's idle poll: what it asks every 5 s when nothing is queued. The seeded
  // invitations wait unsent here (the app's delivery loop is held idle), so it asks for an
  // organisation with an empty queue: the same queries on the same container.
  const outbox = new OutboxRepository(store);
  await measure('delivery-idle-poll', 5, async () => {
    // What the drain asks when nothing waits: the due items (lapsed leases only once a lease period).
    await outbox.due(`${ORG}-idle`, new Date().toISOString(), false, { pageSize: 500 });
    return true;
  });

  await measure('card-answer-no-round', SAMPLES, cardAnswer);
  await measure('my-actions', SAMPLES, (n) => replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(leadOf(n + 1)), text: 'my actions' })));
  await measure('my-training', SAMPLES, (n) => replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(staff(n + 1)), text: 'my training' })));

  const views: [string, string, (n: number) => Person][] = [
    ['tab-my-actions', '/api/tab/my-actions', (n) => leadOf(n)],
    ['tab-plan-admin', '/api/tab/plan', () => hr],
    ['tab-escalations-lead', '/api/tab/escalations', () => personAt(1)],
    ['tab-escalations-staff', '/api/tab/escalations', (n) => staff(n)],
    ['tab-training-by-department', '/api/tab/training?by=department', () => hr],
    ['tab-overdue-training', '/api/tab/training/overdue', () => hr],
    ['tab-questionnaires', '/api/tab/questionnaires', () => hr],
    ['tab-reach', '/api/tab/reach', () => hr],
  ];
  const TAB_SAMPLES = Math.max(3, Math.floor(SAMPLES / 5));
  for (const [name, path, viewer] of views) await measure(name, TAB_SAMPLES, (n) => tab(path, viewer(n))());

  // A press in an open questionnaire, by people of its audience who have not answered yet.
  const [campaign] = campaigns;
  const unanswered = Array.from({ length: PEOPLE }, (_, i) => personAt(i)).filter((p) => p.department === campaign!.department && p.active && !answersEarly(p));
  await measure('questionnaire-page-press', Math.min(SAMPLES, unanswered.length), (n) => pressSubmit(unanswered[n]!, campaign!.id, campaign!.clock));

  // Every daily job once, on a Monday (the weekly training reminders run then), in schedule order, no round open.
  let jobsRu = 0;
  const queuedBefore = (await outbox.matching(ORG)).length;
  for (const [job, at] of DAILY_JOBS) {
    await measure(`job-${job}`, 1, async () => {
      const result = await runJob(job, { store, clock: new FixedClock(`${AS_AT}T${at}:00Z`), orgId: ORG, organisation, calendar, logger: silentLogger, seal });
      return !result.skipped;
    });
    jobsRu += meanRu(`job-${job}`);
  }
  // What the jobs queued for delivery (digests, chasers, training reminders).
  const digests = (await outbox.matching(ORG)).length - queuedBefore;

  // An update round of every lead with open actions, started by the administrator's typed command.
  const dueBy = isoDay(new Date().toISOString().slice(0, 10), 21);
  await measure('start-round', 1, () => replied(messageActivity({ serviceUrl: connector.serviceUrl, user: userOf(hr), text: `start round ${dueBy}` })));
  await measure('card-answer-round-open', SAMPLES, (n) => cardAnswer(n + SAMPLES));
  await measure(
    'job-round-chasers-round-open',
    1,
    async () =>
      !(await runJob('round-chasers', { store, clock: new FixedClock(`${AS_AT}T10:00:00Z`), orgId: ORG, organisation, calendar, logger: silentLogger, seal }))
        .skipped,
  );

  const end = await meter();
  const people =
    DAY.cardAnswers * meanRu('card-answer-no-round') +
    DAY.myActions * meanRu('my-actions') +
    DAY.myTraining * meanRu('my-training') +
    DAY.tabViewsEach * views.reduce((a, [name]) => a + meanRu(name), 0) +
    DAY.questionnairePresses * meanRu('questionnaire-page-press');
  const polling = DAY.pollsPerDay * meanRu('delivery-idle-poll');
  const delivery = digests * DAY.deliveryRuPerMessage;
  const day = jobsRu + people + polling + delivery;
  const idleDay = polling + meanRu('job-housekeeping');
  const monthRu = PRICE.workingDaysPerMonth * day + (PRICE.daysPerMonth - PRICE.workingDaysPerMonth) * idleDay;
  const serverless = (monthRu / 1e6) * PRICE.serverlessPerMillionRu;
  const hours = PRICE.daysPerMonth * 24;
  const peakHours = PRICE.workingDaysPerMonth * PRICE.peakHoursPerWorkingDay;
  const autoscale =
    ((peakHours * PRICE.autoscaleMaxRuPerSecond + (hours - peakHours) * PRICE.autoscaleMaxRuPerSecond * 0.1) / 100) * PRICE.autoscalePer100RuPerHour;

  console.log(`county day RU: ${Math.round(day)}`);
  console.log(
    `  = daily jobs ${Math.round(jobsRu)} + people ${Math.round(people)} (${DAY.cardAnswers} card answers, ${DAY.myActions} my actions, ${DAY.myTraining} my training, ${DAY.tabViewsEach} of each tab view, ${DAY.questionnairePresses} questionnaire presses, at each measure's mean) + idle polling ${Math.round(polling)} (${DAY.pollsPerDay} polls, one instance) + delivery ${Math.round(delivery)} (${digests} messages the jobs queued, at an assumed ${DAY.deliveryRuPerMessage} RU each); no round open`,
  );
  console.log(`monthly cost serverless: $${serverless.toFixed(2)}`);
  console.log(
    `  assumption: $${PRICE.serverlessPerMillionRu} per million RU (list price, single region), ${PRICE.workingDaysPerMonth} such days a month and ${(PRICE.daysPerMonth - PRICE.workingDaysPerMonth).toFixed(1)} days of polling and housekeeping only; storage (about $0.25 per GB-month) not included`,
  );
  console.log(`monthly cost autoscale: $${autoscale.toFixed(2)}`);
  console.log(
    `  assumption: one shared-throughput database, autoscale maximum ${PRICE.autoscaleMaxRuPerSecond} RU/s at $${PRICE.autoscalePer100RuPerHour} per 100 RU/s an hour (list price, single write region), at the maximum ${PRICE.peakHoursPerWorkingDay} hours a working day and at its floor (a tenth) otherwise; storage not included`,
  );
  console.log(`throttled: ${end.throttled - measuredFrom.throttled}`);
  console.log(
    `  (429 answers while measuring, each container at ${RU_PER_SECOND} RU/s, ${LATENCY_MS} ms a round trip; Low-priority requests ${end.lowPriority - measuredFrom.lowPriority} of ${end.requests - measuredFrom.requests}; measured RU ${Math.round(end.totalRu - measuredFrom.totalRu)})`,
  );

  await appProcess.stop();
  await connector.close();
  await store.close();
  await storeProcess.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
