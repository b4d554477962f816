import type { Scope } from '../organisation/model';
import { toArray, type Collection, type QuerySpec, type Store } from '../store/ports';
import type { Course, Requirement, TrainingRecord, TrainingSummary } from './model';
import type { RecordFacts } from './rates';

type TrainingDoc = Course | Requirement | TrainingRecord | TrainingSummary;

/** Only the fields the figures read: a council's records are read whole for the rates, so keep each small. */
const RECORD_FACTS = 'SELECT c.personId, c.agency, c.courseCode, c.completedOn, c.status, c.review FROM c';
/** Records a round trip when reading them all: about 1 MB of facts, well under Cosmos DB's 4 MB page. */
const FACTS_PAGE = 5000;
/** Summaries a round trip: a council's 20,000 in ten. */
const SUMMARY_PAGE = 2000;

/**
 * The training container as stored (catalogue, requirements, records and each person's summary of
 * them): the only code that queries it.
 * The catalogue and requirements belong to the whole partnership, so they take its id. Record and
 * summary reads take a scope: with `scope.agency` they return only that agency's (records and
 * summaries carry their person's agency, copied at import, self-report and summary build).
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
    return toArray(this.docs.query(inScope(scope, "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'record'"))) as Promise<TrainingRecord[]>;
  }

  /** The few fields of every record the figures read (of one person when given), page by page rather than held. */
  recordFacts(scope: Scope, personId?: string): AsyncIterable<RecordFacts> {
    const where = personId === undefined ? '' : ' AND c.personId = @personId';
    const spec = inScope(
      scope,
      `${RECORD_FACTS} WHERE c.orgId = @orgId AND c.kind = 'record'${where}`,
      personId === undefined ? [] : [{ name: '@personId', value: personId }],
    );
    return this.docs.query(spec, { pageSize: FACTS_PAGE }) as AsyncIterable<RecordFacts>;
  }

  /** Every person's training summary, just the two fields the figures read: the store's own fields would add a third to what is sent. */
  async summaries(scope: Scope): Promise<Pick<TrainingSummary, 'personId' | 'agency' | 'courses'>[]> {
    const found = this.docs.query(inScope(scope, "SELECT c.personId, c.agency, c.courses FROM c WHERE c.orgId = @orgId AND c.kind = 'summary'"), {
      pageSize: SUMMARY_PAGE,
    });
    return (await toArray(found)) as unknown as Pick<TrainingSummary, 'personId' | 'agency' | 'courses'>[];
  }

  /** One person's training records and summary, whole: for their subject access export and for retention. */
  ofPerson(orgId: string, personId: string): Promise<(TrainingRecord | TrainingSummary)[]> {
    return toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND (c.kind = 'record' OR c.kind = 'summary') AND c.personId = @personId",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
        ],
      }),
    ) as Promise<(TrainingRecord | TrainingSummary)[]>;
  }

  /** One document by its id (ids are deterministic: a course's, a record's, a person's summary). */
  get<T extends TrainingDoc>(orgId: string, id: string): Promise<T | undefined> {
    return this.docs.read(orgId, id) as Promise<T | undefined>;
  }

  /** Writes a document as given, replacing any stored under its id. */
  async save(doc: TrainingDoc): Promise<void> {
    await this.docs.upsert(doc);
  }

  /** Stores a new record; ALREADY_EXISTS when its id is taken. */
  async createRecord(record: TrainingRecord): Promise<void> {
    await this.docs.create(record);
  }

  /** New records through the bulk API, 100 to a request; one created meanwhile (by another import) is already there. */
  async createRecords(records: TrainingRecord[]): Promise<void> {
    const failed = (await this.docs.bulk(records.map((doc) => ({ kind: 'create' as const, doc })))).find((o) => !o.ok && o.error.code !== 'ALREADY_EXISTS');
    if (failed && !failed.ok) throw failed.error;
  }

  /** Changes a record where it stands (the change sees the stored one and its etag is checked). */
  updateRecord(orgId: string, id: string, change: (current: TrainingRecord) => TrainingRecord | undefined): Promise<TrainingRecord> {
    return (this.docs as Collection<TrainingRecord>).update(orgId, id, change);
  }

  /** A summary gone stale, a requirement replaced, and retention and erasure. */
  remove(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }

  /**
   * Whether the organisation has any document of this kind: one item read, whatever the container
   * holds. Cosmos DB may answer a page with no items and a continuation, so an empty page is not a
   * "no" until no continuation is left.
   */
  async hasAny(orgId: string, kind: TrainingDoc['kind']): Promise<boolean> {
    const spec = {
      query: 'SELECT TOP 1 c.id FROM c WHERE c.orgId = @orgId AND c.kind = @kind',
      parameters: [
        { name: '@orgId', value: orgId },
        { name: '@kind', value: kind },
      ],
    };
    let continuation: string | undefined;
    do {
      const page = await this.docs.queryPage(spec, { pageSize: 1, continuation });
      if (page.items.length > 0) return true;
      continuation = page.continuation;
    } while (continuation);
    return false;
  }

  /** Self-reported completions HR has not yet verified or rejected. */
  unreviewedSelfReports(scope: Scope): Promise<TrainingRecord[]> {
    return toArray(
      this.docs.query(
        inScope(scope, "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'record' AND c.status = 'self-reported' AND NOT IS_DEFINED(c.review)"),
      ),
    ) as Promise<TrainingRecord[]>;
  }

  /** Records of a course completed between two dates (inclusive, ISO dates): a survey campaign's audience. */
  completionsBetween(scope: Scope, courseCode: string, from: string, to: string): Promise<TrainingRecord[]> {
    const spec = inScope(
      scope,
      "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'record' AND c.courseCode = @code AND c.completedOn >= @from AND c.completedOn <= @to",
      [
        { name: '@code', value: courseCode },
        { name: '@from', value: from },
        { name: '@to', value: to },
      ],
    );
    return toArray(this.docs.query(spec)) as Promise<TrainingRecord[]>;
  }

  private async ofKind<T extends TrainingDoc>(orgId: string, kind: T['kind']): Promise<T[]> {
    return (await toArray<TrainingDoc>(
      this.docs.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = @kind',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@kind', value: kind },
        ],
      }),
    )) as T[];
  }
}

/** A query of the organisation, narrowed to one agency's documents when the scope names one. */
function inScope(scope: Scope, query: string, parameters: { name: string; value: unknown }[] = []): QuerySpec {
  const agency = scope.agency === undefined ? [] : [{ name: '@agency', value: scope.agency }];
  return {
    query: scope.agency === undefined ? query : `${query} AND c.agency = @agency`,
    parameters: [{ name: '@orgId', value: scope.orgId }, ...agency, ...parameters],
  };
}
