import { silentLogger } from '../../../services/core/logger';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import { migrate } from '../../../services/migrations/migrations';
import type { Store } from '../../../services/store/ports';
import { loadPersonTraining, loadTrainingFigures, setUpTraining } from '../../../services/training/catalogue';
import type { RecordStatus, TrainingRecord } from '../../../services/training/model';
import { completionRates, myTraining, overdueList, summarise } from '../../../services/training/rates';
import { summaryId, type TrainingSummary } from '../../../services/training/model';
import { rebuildTrainingSummaries, storedSummary } from '../../../services/training/summaries';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const clock = new FixedClock('2026-11-23T12:00:00Z');
const person = (id: string, jobTitle: string, department: string): Person => ({
  id,
  orgId: ORG,
  name: id,
  jobTitle,
  department,
  roles: ['officer'],
  active: true,
});
const PEOPLE = [person('ola', 'Social Worker', 'Children'), person('hana', 'Social Worker', 'Adults'), person('adam', 'Housing Officer', 'Housing')];
const COURSES = ['SG-AWARE', 'SG-GEN', 'PREVENT'];
const STATUSES: RecordStatus[] = ['completed', 'completed', 'booked', 'cancelled', 'self-reported'];

/** A deterministic spread of records: completions either side of the dates asked about, bookings, cancellations, reviewed and pending self-reports. */
function records(): TrainingRecord[] {
  const out: TrainingRecord[] = [];
  let n = 0;
  for (const p of PEOPLE) {
    for (const code of COURSES) {
      for (let i = 0; i < 4; i++) {
        n++;
        const status = STATUSES[(n * 7) % STATUSES.length]!;
        const completedOn = `${2021 + ((n * 3) % 6)}-${String(1 + ((n * 5) % 12)).padStart(2, '0')}-15`;
        const review =
          status === 'self-reported' && n % 2 === 0
            ? {
                review: {
                  decision: n % 4 === 0 ? ('verified' as const) : ('rejected' as const),
                  by: { personId: 'hr', name: 'HR' },
                  at: '2026-01-01T00:00:00Z',
                },
              }
            : {};
        out.push({
          id: `rec-${n}`,
          orgId: ORG,
          kind: 'record',
          personId: p.id,
          courseCode: code,
          status,
          completedOn,
          source: status === 'self-reported' ? 'self' : 'import',
          createdAt: '2026-01-01T00:00:00Z',
          ...review,
        });
      }
    }
  }
  return out;
}

describe('training summaries: HR views read one document a person, and give the figures the records give', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
    await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    await setUpTraining(store, ORG, {
      requirements: [
        { course: 'SG-AWARE', jobTitles: ['*'] },
        { course: 'SG-GEN', jobTitles: ['Social Worker'] },
        { course: 'PREVENT', jobTitles: ['Social Worker', 'Housing Officer'] },
      ],
    });
    for (const p of PEOPLE) await store.collection<Person>('people').upsert(p);
  });
  afterAll(() => store.close());

  /** The figures as the HR views load them, and as the records themselves give them. */
  const bothWays = async (asAt: string) => {
    const fromSummaries = await loadTrainingFigures(store, { orgId: ORG }, PEOPLE, asAt);
    return { fromSummaries, expected: { ...fromSummaries, summary: summarise(records(), asAt) } };
  };

  it('records written before summaries existed get them at the next start, and the figures match the records on any date', async () => {
    for (const r of records()) await store.collection<TrainingRecord>('training').upsert(r);
    expect(await storedSummary(store, ORG, 'ola')).toBeUndefined();

    // This organisation predates agencies too: becoming a partnership gives the records their agency and builds the summaries with it.
    expect(Object.keys(await migrate(store, silentLogger))).toEqual(['partnership-agencies']);
    expect(await storedSummary(store, ORG, 'ola')).toBeDefined();
    expect(await migrate(store, silentLogger)).toEqual({});

    for (const asAt of ['2022-06-30', '2024-01-15', '2026-11-23', '2027-12-31']) {
      const { fromSummaries, expected } = await bothWays(asAt);
      for (const by of ['department', 'role', 'course'] as const) expect(completionRates(fromSummaries, asAt, by)).toEqual(completionRates(expected, asAt, by));
      expect(overdueList(fromSummaries, asAt)).toEqual(overdueList(expected, asAt));
      for (const p of PEOPLE) expect(myTraining(await loadPersonTraining(store, p, asAt), p, asAt)).toEqual(myTraining(expected, p, asAt));
    }
  });

  it('a summary left stale by a failure is mended by the weekly housekeeping, which rewrites only what differs', async () => {
    const stale = (await storedSummary(store, ORG, 'hana'))!;
    await store.collection<TrainingSummary>('training').upsert({ ...stale, courses: {} });
    await store
      .collection<TrainingSummary>('training')
      .upsert({ id: summaryId('left-long-ago'), orgId: ORG, kind: 'summary', personId: 'left-long-ago', courses: {} });

    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    const result = await runJob('housekeeping', { store, clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger });
    expect(result).toMatchObject({ trainingSummariesMended: 2 });
    expect((await storedSummary(store, ORG, 'hana'))!.courses).toEqual(stale.courses);
    expect(await storedSummary(store, ORG, 'left-long-ago')).toBeUndefined();
    expect(await rebuildTrainingSummaries(store, ORG)).toEqual({ people: PEOPLE.length, written: 0, removed: 0 });
  });
});
