import { mapConcurrently } from '../core/concurrency';
import { toArray, type Store } from '../store/ports';
import type { RecordFacts } from './rates';
import type { TrainingRecord } from './model';
import { counts } from './model';

/**
 * One person's training history folded to what the figures read, kept in step with their records:
 * the HR views then read one small document a person instead of every record (300,000 at council
 * size). It holds every counted completion date, not only the latest, so figures as at any date
 * (past or future) come out the same as from the records themselves.
 */
export type CourseFacts = { completed: string[]; booked: string[]; cancelled: string[]; pending: boolean };
export type TrainingSummary = { id: string; orgId: string; kind: 'summary'; personId: string; courses: Record<string, CourseFacts> };

export const summaryId = (personId: string) => `summary-${personId}`;

const RECORD_FACTS = 'SELECT c.personId, c.courseCode, c.completedOn, c.status, c.review FROM c';
const FACTS_PAGE = 5000;
const SUMMARY_PAGE = 2000;
/** Above this many people touched at once, one pass over every record is cheaper than a query each. */
const REBUILD_ALL_ABOVE = 1000;
const WRITES_IN_FLIGHT = 8;

const training = (store: Store) => store.collection<TrainingSummary>('training');

const sortedUnique = (dates: Iterable<string>) => [...new Set(dates)].sort();

/** Folds records to per-course facts; the same fold the figures make, without fixing the date. */
export function foldFacts(records: Iterable<RecordFacts>): Map<string, Record<string, CourseFacts>> {
  const byPerson = new Map<string, Map<string, { completed: Set<string>; booked: Set<string>; cancelled: Set<string>; pending: boolean }>>();
  for (const r of records) {
    const courses = byPerson.get(r.personId) ?? byPerson.set(r.personId, new Map()).get(r.personId)!;
    const facts = courses.get(r.courseCode) ?? courses.set(r.courseCode, { completed: new Set(), booked: new Set(), cancelled: new Set(), pending: false }).get(r.courseCode)!;
    if (r.status === 'cancelled') facts.cancelled.add(r.completedOn ?? '');
    if (r.status === 'booked') facts.booked.add(r.completedOn ?? '');
    if (r.status === 'self-reported' && !r.review) facts.pending = true;
    if (counts(r as TrainingRecord)) facts.completed.add(r.completedOn!);
  }
  const out = new Map<string, Record<string, CourseFacts>>();
  for (const [personId, courses] of byPerson) {
    const folded: Record<string, CourseFacts> = {};
    for (const [code, f] of [...courses].sort(([a], [b]) => a.localeCompare(b))) {
      folded[code] = { completed: sortedUnique(f.completed), booked: sortedUnique(f.booked), cancelled: sortedUnique(f.cancelled), pending: f.pending };
    }
    out.set(personId, folded);
  }
  return out;
}

const summaryOf = (orgId: string, personId: string, courses: Record<string, CourseFacts>): TrainingSummary => ({ id: summaryId(personId), orgId, kind: 'summary', personId, courses });
const sameCourses = (a: Record<string, CourseFacts>, b: Record<string, CourseFacts>) => JSON.stringify(a) === JSON.stringify(b);

async function personFacts(store: Store, orgId: string, personId: string): Promise<RecordFacts[]> {
  return (await toArray(
    training(store).query({
      query: `${RECORD_FACTS} WHERE c.orgId = @orgId AND c.kind = 'record' AND c.personId = @personId`,
      parameters: [{ name: '@orgId', value: orgId }, { name: '@personId', value: personId }],
    }),
  )) as unknown as RecordFacts[];
}

/** Re-folds these people's records after a change to them; a person with no records left has no summary. */
export async function refreshTrainingSummaries(store: Store, orgId: string, personIds: Iterable<string>): Promise<void> {
  const people = [...new Set(personIds)];
  if (people.length > REBUILD_ALL_ABOVE) {
    await rebuildTrainingSummaries(store, orgId);
    return;
  }
  await mapConcurrently(people, WRITES_IN_FLIGHT, async (personId) => {
    const courses = foldFacts(await personFacts(store, orgId, personId)).get(personId);
    if (courses) await training(store).upsert(summaryOf(orgId, personId, courses));
    else await training(store).delete(orgId, summaryId(personId)).catch(() => undefined);
  });
}

/**
 * One pass over every record of the organisation, writing only the summaries that differ: the
 * nightly catch-up, the first build for existing data, and the path for imports touching many people.
 */
export async function rebuildTrainingSummaries(store: Store, orgId: string): Promise<{ people: number; written: number; removed: number }> {
  const facts = training(store).query({ query: `${RECORD_FACTS} WHERE c.orgId = @orgId AND c.kind = 'record'`, parameters: [{ name: '@orgId', value: orgId }] }, { pageSize: FACTS_PAGE });
  const folded = foldFacts(await toArray(facts as unknown as AsyncIterable<RecordFacts>));
  const stored = new Map((await storedSummaries(store, orgId)).map((s) => [s.personId, s]));
  const changed = [...folded].filter(([personId, courses]) => !stored.has(personId) || !sameCourses(stored.get(personId)!.courses, courses));
  const gone = [...stored.keys()].filter((personId) => !folded.has(personId));
  await mapConcurrently(changed, WRITES_IN_FLIGHT, ([personId, courses]) => training(store).upsert(summaryOf(orgId, personId, courses)));
  await mapConcurrently(gone, WRITES_IN_FLIGHT, (personId) => training(store).delete(orgId, summaryId(personId)));
  return { people: folded.size, written: changed.length, removed: gone.length };
}

export async function storedSummaries(store: Store, orgId: string): Promise<TrainingSummary[]> {
  return toArray(training(store).query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'summary'", parameters: [{ name: '@orgId', value: orgId }] }, { pageSize: SUMMARY_PAGE }));
}

export async function storedSummary(store: Store, orgId: string, personId: string): Promise<TrainingSummary | undefined> {
  return training(store).read(orgId, summaryId(personId));
}
