import { mapConcurrently } from '../core/concurrency';
import { toArray, type Store } from '../store/ports';
import { summaryId, type PersonFacts, type TrainingSummary } from './model';
import { foldFacts, type RecordFacts } from './rates';
import { TrainingRepository } from './repository';

/** Above this many people touched at once, one pass over every record is cheaper than a query each. */
const REBUILD_ALL_ABOVE = 1000;
const WRITES_IN_FLIGHT = 8;

const training = (store: Store) => new TrainingRepository(store);

const summaryOf = (orgId: string, personId: string, courses: PersonFacts, agency: string | undefined): TrainingSummary => ({
  id: summaryId(personId),
  orgId,
  kind: 'summary',
  personId,
  ...(agency ? { agency } : {}),
  courses,
});
const sameCourses = (a: PersonFacts, b: PersonFacts) => JSON.stringify(a) === JSON.stringify(b);

/** Each person's agency, from their records (a person's records all carry it). */
function agenciesOf(facts: RecordFacts[]): Map<string, string | undefined> {
  const agencies = new Map<string, string | undefined>();
  for (const f of facts) if (f.agency || !agencies.has(f.personId)) agencies.set(f.personId, f.agency);
  return agencies;
}

/** Re-folds these people's records after a change to them; a person with no records left has no summary. */
export async function refreshTrainingSummaries(store: Store, orgId: string, personIds: Iterable<string>): Promise<void> {
  const people = [...new Set(personIds)];
  if (people.length > REBUILD_ALL_ABOVE) {
    await rebuildTrainingSummaries(store, orgId);
    return;
  }
  await mapConcurrently(people, WRITES_IN_FLIGHT, async (personId) => {
    const facts = await toArray(new TrainingRepository(store).recordFacts({ orgId }, personId));
    const courses = foldFacts(facts).get(personId);
    if (courses) await training(store).save(summaryOf(orgId, personId, courses, agenciesOf(facts).get(personId)));
    else await training(store).remove(orgId, summaryId(personId));
  });
}

/**
 * One pass over every record of the organisation, writing only the summaries that differ: the
 * weekly catch-up (housekeeping), the first build for existing data, and the path for imports touching many people.
 */
export async function rebuildTrainingSummaries(store: Store, orgId: string): Promise<{ people: number; written: number; removed: number }> {
  const facts = await toArray(new TrainingRepository(store).recordFacts({ orgId }));
  const folded = foldFacts(facts);
  const agencies = agenciesOf(facts);
  const stored = new Map((await new TrainingRepository(store).summaries({ orgId })).map((s) => [s.personId, s]));
  const differs = (personId: string, courses: PersonFacts) => {
    const before = stored.get(personId);
    return !before || !sameCourses(before.courses, courses) || before.agency !== agencies.get(personId);
  };
  const changed = [...folded].filter(([personId, courses]) => differs(personId, courses));
  const gone = [...stored.keys()].filter((personId) => !folded.has(personId));
  await mapConcurrently(changed, WRITES_IN_FLIGHT, ([personId, courses]) => training(store).save(summaryOf(orgId, personId, courses, agencies.get(personId))));
  await mapConcurrently(gone, WRITES_IN_FLIGHT, (personId) => training(store).remove(orgId, summaryId(personId)));
  return { people: folded.size, written: changed.length, removed: gone.length };
}

export async function storedSummary(store: Store, orgId: string, personId: string): Promise<TrainingSummary | undefined> {
  return training(store).get<TrainingSummary>(orgId, summaryId(personId));
}
