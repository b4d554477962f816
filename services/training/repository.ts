import type { Scope } from '../organisation/model';
import { toArray, type Collection, type Store } from '../store/ports';
import type { Course, Requirement, TrainingRecord, TrainingSummary } from './model';
import type { RecordFacts } from './rates';

type TrainingDoc = Course | Requirement | TrainingRecord | TrainingSummary;

/** Only the fields the figures read: a council's records are read whole for the rates, so keep each small. */
const RECORD_FACTS = 'SELECT c.personId, c.courseCode, c.completedOn, c.status, c.review FROM c';
/** Records a round trip when reading them all: about 1 MB of facts, well under Cosmos DB's 4 MB page. */
const FACTS_PAGE = 5000;
/** Summaries a round trip: a council's 20,000 in ten. */
const SUMMARY_PAGE = 2000;

/**
 * The training container as stored (catalogue, requirements, records and each person's summary of
 * them): the only code that queries it.
 * The catalogue and requirements belong to the whole organisation, so they take its id. Record reads
 * take a scope, but records do not carry an agency yet: until they do, `scope.agency` is not applied
 * and every read covers the whole organisation (narrow through the people read with the same scope).
 */
export class TrainingRepository {
  private readonly docs: Collection<TrainingDoc>;

  constructor(store: Store) {
    this.docs = store.collection<TrainingDoc>('training');
  }

  courses(orgId: string): Promise<Course[]> {
    return this.ofKind<Course>(orgId, 'course');
  }

  requirements(orgId: string): Promise<Requirement[]> {
    return this.ofKind<Requirement>(orgId, 'requirement');
  }

  records(scope: Scope): Promise<TrainingRecord[]> {
    return this.ofKind<TrainingRecord>(scope.orgId, 'record');
  }

  /** The few fields of every record the figures read (of one person when given), page by page rather than held. */
  recordFacts(scope: Scope, personId?: string): AsyncIterable<RecordFacts> {
    const parameters = [{ name: '@orgId', value: scope.orgId }, ...(personId === undefined ? [] : [{ name: '@personId', value: personId }])];
    const where = personId === undefined ? '' : ' AND c.personId = @personId';
    return this.docs.query({ query: `${RECORD_FACTS} WHERE c.orgId = @orgId AND c.kind = 'record'${where}`, parameters }, { pageSize: FACTS_PAGE }) as AsyncIterable<RecordFacts>;
  }

  /** Every person's training summary, just the two fields the figures read: the store's own fields would add a third to what is sent. */
  async summaries(scope: Scope): Promise<Pick<TrainingSummary, 'personId' | 'courses'>[]> {
    const found = this.docs.query({ query: "SELECT c.personId, c.courses FROM c WHERE c.orgId = @orgId AND c.kind = 'summary'", parameters: [{ name: '@orgId', value: scope.orgId }] }, { pageSize: SUMMARY_PAGE });
    return (await toArray(found)) as unknown as Pick<TrainingSummary, 'personId' | 'courses'>[];
  }

  /** Whether the organisation has any document of this kind: one item read, whatever the container holds. */
  async hasAny(orgId: string, kind: TrainingDoc['kind']): Promise<boolean> {
    const page = await this.docs.queryPage({ query: 'SELECT c.id FROM c WHERE c.orgId = @orgId AND c.kind = @kind', parameters: [{ name: '@orgId', value: orgId }, { name: '@kind', value: kind }] }, { pageSize: 1 });
    return page.items.length > 0;
  }

  /** Self-reported completions HR has not yet verified or rejected. */
  unreviewedSelfReports(scope: Scope): Promise<TrainingRecord[]> {
    return toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'record' AND c.status = 'self-reported' AND NOT IS_DEFINED(c.review)",
        parameters: [{ name: '@orgId', value: scope.orgId }],
      }),
    ) as Promise<TrainingRecord[]>;
  }

  /** Records of a course completed between two dates (inclusive, ISO dates): a survey campaign's audience. */
  completionsBetween(scope: Scope, courseCode: string, from: string, to: string): Promise<TrainingRecord[]> {
    return toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'record' AND c.courseCode = @code AND c.completedOn >= @from AND c.completedOn <= @to",
        parameters: [
          { name: '@orgId', value: scope.orgId },
          { name: '@code', value: courseCode },
          { name: '@from', value: from },
          { name: '@to', value: to },
        ],
      }),
    ) as Promise<TrainingRecord[]>;
  }

  private async ofKind<T extends TrainingDoc>(orgId: string, kind: T['kind']): Promise<T[]> {
    return (await toArray<TrainingDoc>(this.docs.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = @kind', parameters: [{ name: '@orgId', value: orgId }, { name: '@kind', value: kind }] }))) as T[];
  }
}
