import { mapConcurrently } from '../core/concurrency';
import { toArray, type Store } from '../store/ports';
import { summaryId, type PersonFacts, type TrainingSummary } from './model';
import { foldFacts } from './rates';
import { TrainingRepository } from './repository';

/** Above this many people touched at once, one pass over every record is cheaper than a query each. */
const REBUILD_ALL_ABOVE = 1000;
const WRITES_IN_FLIGHT = 8;

const training = (store: Store) => store.collection<TrainingSummary>('training');

const summaryOf = (orgId: string, personId: string, courses: PersonFacts): TrainingSummary => ({ id: summaryId(personId), orgId, kind: 'summary', personId, courses });
const sameCourses = (a: PersonFacts, b: PersonFacts) => JSON.stringify(a) === JSON.stringify(b);

/** Re-folds these people's records after a change to them; a person with no records left has no summary. */
export async function refreshTrainingSummaries(store: Store, orgId: string, personIds: Iterable<string>): Promise<void> {
  const people = [...new Set(personIds)];
  if (people.length > REBUILD_ALL_ABOVE) {
    await rebuildTrainingSummaries(store, orgId);
    return;
  }
  await mapConcurrently(people, WRITES_IN_FLIGHT, async (personId) => {
    const courses = foldFacts(await toArray(new TrainingRepository(store).recordFacts({ orgId }, personId))).get(personId);
    if (courses) await training(store).upsert(summaryOf(orgId, personId, courses));
    else await training(store).delete(orgId, summaryId(personId)).catch(() => undefined);
  });
}

/**
 * One pass over every record of the organisation, writing only the summaries that differ: the
 * weekly catch-up (housekeeping), the first build for existing data, and the path for imports touching many people.
 */
export async function rebuildTrainingSummaries(store: Store, orgId: string): Promise<{ people: number; written: number; removed: number }> {
  const folded = foldFacts(await toArray(new TrainingRepository(store).recordFacts({ orgId })));
  const stored = new Map((await new TrainingRepository(store).summaries({ orgId })).map((s) => [s.personId, s]));
  const changed = [...folded].filter(([personId, courses]) => !stored.has(personId) || !sameCourses(stored.get(personId)!.courses, courses));
  const gone = [...stored.keys()].filter((personId) => !folded.has(personId));
  await mapConcurrently(changed, WRITES_IN_FLIGHT, ([personId, courses]) => training(store).upsert(summaryOf(orgId, personId, courses)));
  await mapConcurrently(gone, WRITES_IN_FLIGHT, (personId) => training(store).delete(orgId, summaryId(personId)));
  return { people: folded.size, written: changed.length, removed: gone.length };
}

export async function storedSummary(store: Store, orgId: string, personId: string): Promise<TrainingSummary | undefined> {
  return training(store).read(orgId, summaryId(personId));
}
