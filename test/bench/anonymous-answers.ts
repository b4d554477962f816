/**
 * Anonymous answers under load: every answer of a campaign passes through one sealed "waiting"
 * document (etag-checked), so answers that arrive together contend for it. N staff submit the
 * awareness questionnaire, C at a time, on the embedded store; then the campaign closes. Prints the
 * time per submission (p50/p95/p99), throughput, refusals, and what ended up pooled.
 *
 *   npm run bench:anonymous [-- --staff 2000 --concurrency 20]
 */
import { parseArgs } from 'node:util';
import { FixedClock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import type { Person } from '../../services/people/model';
import { ensureOrganisation } from '../../services/organisation/organisations';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { runJob } from '../../bot/jobs';
import { createCampaign } from '../../services/surveys/campaigns';
import { answersOf } from '../../services/surveys/answer-pool';
import { answerSurvey, openSurvey } from '../../services/surveys/responses';
import { AnswerSeal } from '../../services/surveys/seal';
import { ORG, person } from '../harness/fixtures';
import { openTestStore } from '../harness/store';

const { values } = parseArgs({ options: { staff: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '20' } } });
const STAFF = Number(values.staff);
const CONCURRENCY = Number(values.concurrency);
const TZ = 'Europe/London';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const store = await openTestStore();
  const seal = AnswerSeal.random();
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const calendar = new WorkingCalendar();
  const people = store.collection<Person>('people');
  const hr = person({ id: 'hr', name: 'HR', roles: ['hr'] });
  await people.upsert(hr);
  const staff = Array.from({ length: STAFF }, (_, i) => person({ id: `s${i}`, name: `Staff ${i}`, department: `Dept ${i % 20}`, jobTitle: `Title ${i % 7}` }));
  for (let i = 0; i < staff.length; i += 100) await Promise.all(staff.slice(i, i + 100).map((p) => people.upsert(p)));
  const everyone = await createCampaign(
    { store, clock, calendar },
    { actor: hr, timeZone: TZ, data: { questionnaire: 'awareness', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-11' } },
  );

  const times: number[] = [];
  let refused = 0;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < staff.length; i = next++) {
        const actor = staff[i]!;
        const t0 = performance.now();
        try {
          const opened = await openSurvey({ store, clock, seal }, { actor, timeZone: TZ, campaignId: everyone.id });
          const answerKey = (opened as { answerKey: string }).answerKey;
          const carried = JSON.stringify({
            'know-how-to-report': 'yes',
            'aware-of-procedures': 'yes',
            confidence: i % 2 ? 'very' : 'quite',
            'know-dso-name': 'yes',
            'last-trained': 'never',
          });
          await answerSurvey({ store, clock, seal }, { actor, timeZone: TZ, data: { campaignId: everyone.id, page: 0, move: 'submit', carried, answerKey } });
        } catch {
          refused++;
        }
        times.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const pooledWhileOpen = (await answersOf(store, everyone)).length;
  const closeClock = new FixedClock('2026-12-14T08:00:00Z');
  const closeStart = performance.now();
  await runJob('questionnaires', {
    store,
    clock: closeClock,
    orgId: ORG,
    organisation: await ensureOrganisation(store, closeClock, ORG, { timeZone: TZ }),
    calendar,
    logger: silentLogger,
    seal,
  });
  const closeMs = performance.now() - closeStart;
  const pooled = (await answersOf(store, everyone)).length;
  times.sort((a, b) => a - b);
  const row = {
    staff: STAFF,
    concurrency: CONCURRENCY,
    submissions: times.length,
    refused,
    perSecond: Math.round((times.length / seconds) * 10) / 10,
    p50ms: Math.round(percentile(times, 50)),
    p95ms: Math.round(percentile(times, 95)),
    p99ms: Math.round(percentile(times, 99)),
    pooledWhileOpen,
    pooledAfterClosing: pooled,
    closingJobMs: Math.round(closeMs),
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
  await store.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
