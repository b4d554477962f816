import Document from '@vercel/cosmosdb-server/lib/account/document';
import { embeddedIndexInstalled } from '../../../services/store/embedded-index';
import { toArray, type QuerySpec, type Store, type Stored } from '../../../services/store/ports';
import { openTestStore } from '../../harness/store';

/**
 * The embedded server's cost per query, counted in documents it reads, not in milliseconds. Without
 * the patch under patches/ it evaluated every document of the container for every query, and ran
 * the whole query again for every page of a paged one: a paged scan cost pages x documents.
 */
/**
 * Documents in the people container, whose opt-in policy indexes the properties these queries use
 * (services/store/containers.ts): `agency` for equality, `active` for a boolean, `roles` for
 * ARRAY_CONTAINS and `leftOn` for ranges. The engine uses only indexed paths, as Cosmos DB does.
 */
type Record = { id: string; orgId: string; kind: 'record'; agency: string; courseCode: string; active: boolean; roles: string[]; leftOn: number };

const ORG = 'org-county';
const OTHER = 'org-other';
const PEOPLE = 100;
const PER_PERSON = 25; // 2,500 records in the organisation under test
const OTHER_RECORDS = 500;

function record(orgId: string, seq: number): Record {
  return {
    id: `${orgId}-r${seq}`,
    orgId,
    kind: 'record',
    agency: `p${seq % PEOPLE}`,
    courseCode: `C${seq % 7}`,
    active: seq % 10 === 0,
    roles: seq % 50 === 0 ? ['refresher', 'level-3'] : ['level-1'],
    leftOn: seq,
  };
}

describe('embedded store: what a query examines', () => {
  let store: Store;
  let reads: jest.SpyInstance;
  beforeAll(async () => {
    store = await openTestStore();
    const records = store.collection<Record>('people');
    const all = [
      ...Array.from({ length: PEOPLE * PER_PERSON }, (_, i) => record(ORG, i)),
      ...Array.from({ length: OTHER_RECORDS }, (_, i) => record(OTHER, i)),
    ];
    for (let i = 0; i < all.length; i += 100) await Promise.all(all.slice(i, i + 100).map((r) => records.create(r)));
    // Every document the query engine is given is read through Document#read: count those reads.
    reads = jest.spyOn(Document.prototype, 'read');
  }, 60_000);
  afterAll(async () => {
    reads.mockRestore();
    await store.close();
  });

  /** Fetches every page of a query; returns the items, the pages and the documents read. */
  async function pagedQuery(spec: QuerySpec, pageSize: number): Promise<{ items: Stored<Record>[]; pages: number; examined: number }> {
    const before = reads.mock.calls.length;
    const items: Stored<Record>[] = [];
    let pages = 0;
    let continuation: string | undefined;
    do {
      const page = await store.collection<Record>('people').queryPage(spec, { pageSize, continuation });
      items.push(...page.items);
      continuation = page.continuation;
      pages++;
    } while (continuation);
    return { items, pages, examined: reads.mock.calls.length - before };
  }

  const doneRecords: QuerySpec = { query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.active = true', parameters: [{ name: '@orgId', value: ORG }] };
  const orgRecords: QuerySpec = { query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'record'", parameters: [{ name: '@orgId', value: ORG }] };

  it('runs with the patched server (npm install applies patches/)', () => {
    expect(embeddedIndexInstalled()).toBe(true);
  });

  it('fetching a query in many small pages examines no more documents than fetching it in one page', async () => {
    await pagedQuery(orgRecords, 1000); // the first query on a field builds its index: not what is measured
    const onePage = await pagedQuery(orgRecords, 5000);
    const manyPages = await pagedQuery(orgRecords, 50);
    expect(onePage.pages).toBe(1);
    expect(manyPages.pages).toBeGreaterThanOrEqual((PEOPLE * PER_PERSON) / 50);
    expect(manyPages.items.map((r) => r.id).sort()).toEqual(onePage.items.map((r) => r.id).sort());
    // Re-running the whole query per page would read 50 x 2,500 documents here.
    expect(manyPages.examined).toBeLessThanOrEqual(onePage.examined * 1.5);
    expect(onePage.examined).toBeGreaterThanOrEqual(PEOPLE * PER_PERSON); // the reads are counted
    expect(onePage.examined).toBeLessThanOrEqual(PEOPLE * PER_PERSON * 1.5);
  });

  it('a selective query examines the documents its equality conditions select, not the container', async () => {
    await pagedQuery(doneRecords, 1000);
    const done = await pagedQuery(doneRecords, 10);
    expect(done.items).toHaveLength((PEOPLE * PER_PERSON) / 10);
    expect(done.items.every((r) => r.active && r.orgId === ORG)).toBe(true);
    expect(done.pages).toBeGreaterThanOrEqual(25);
    expect(done.examined).toBeGreaterThanOrEqual(done.items.length);
    expect(done.examined).toBeLessThanOrEqual(done.items.length * 1.5);

    const onePerson: QuerySpec = {
      query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'record' AND c.agency = @person",
      parameters: [
        { name: '@orgId', value: ORG },
        { name: '@person', value: 'p7' },
      ],
    };
    await pagedQuery(onePerson, 100);
    const mine = await pagedQuery(onePerson, 100);
    expect(mine.items.map((r) => r.leftOn).sort((a, b) => a - b)).toEqual(Array.from({ length: PER_PERSON }, (_, i) => 7 + i * PEOPLE));
    expect(mine.examined).toBeLessThanOrEqual(PER_PERSON * 2);
  });

  it('ARRAY_CONTAINS is served from an index of the array elements', async () => {
    const tagged: QuerySpec = {
      query: 'SELECT * FROM c WHERE c.orgId = @orgId AND ARRAY_CONTAINS(c.roles, @tag)',
      parameters: [
        { name: '@orgId', value: ORG },
        { name: '@tag', value: 'refresher' },
      ],
    };
    await pagedQuery(tagged, 100);
    const result = await pagedQuery(tagged, 100);
    expect(result.items).toHaveLength((PEOPLE * PER_PERSON) / 50);
    expect(result.examined).toBeLessThanOrEqual(result.items.length * 2);
  });

  it('a range condition is served from the values in order: the reminder job reads what is due, not the plan', async () => {
    const recent: QuerySpec = {
      query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.leftOn >= @from',
      parameters: [
        { name: '@orgId', value: ORG },
        { name: '@from', value: 2400 },
      ],
    };
    await pagedQuery(recent, 1000);
    const result = await pagedQuery(recent, 30);
    expect(result.items.map((r) => r.leftOn).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 2400 + i));
    expect(result.examined).toBeLessThanOrEqual(150);

    // A changed value moves: the index follows replaces and deletes.
    const records = store.collection<Record>('people');
    await records.update(ORG, `${ORG}-r5`, (r) => ({ ...r, leftOn: 9000 }));
    await records.update(ORG, `${ORG}-r2450`, (r) => ({ ...r, leftOn: 1 }));
    await records.delete(ORG, `${ORG}-r2460`);
    const after = (await pagedQuery(recent, 30)).items.map((r) => r.leftOn).sort((a, b) => a - b);
    expect(after).toEqual([...Array.from({ length: 100 }, (_, i) => 2400 + i).filter((n) => n !== 2450 && n !== 2460), 9000]);
    await records.update(ORG, `${ORG}-r5`, (r) => ({ ...r, leftOn: 5 }));
    await records.update(ORG, `${ORG}-r2450`, (r) => ({ ...r, leftOn: 2450 }));
    await records.create(record(ORG, 2460));
  });

  it('answers exactly as a scan would: other organisations, OR, NOT, ranges, counts and projections', async () => {
    const expected = (orgId: string, keep: (r: Record) => boolean) =>
      [...Array.from({ length: PEOPLE * PER_PERSON }, (_, i) => record(ORG, i)), ...Array.from({ length: OTHER_RECORDS }, (_, i) => record(OTHER, i))]
        .filter((r) => r.orgId === orgId && keep(r))
        .map((r) => r.id)
        .sort();
    const ids = async (query: string, orgId: string, pageSize = 70) =>
      (
        await pagedQuery(
          {
            query,
            parameters: [
              { name: '@orgId', value: orgId },
              { name: '@c', value: 'C3' },
            ],
          },
          pageSize,
        )
      ).items
        .map((r) => r.id)
        .sort();

    expect(await ids('SELECT * FROM c WHERE c.orgId = @orgId AND (c.courseCode = @c OR c.active = true)', OTHER)).toEqual(
      expected(OTHER, (r) => r.courseCode === 'C3' || r.active),
    );
    expect(await ids('SELECT * FROM c WHERE c.orgId = @orgId AND NOT (c.courseCode = @c)', ORG)).toEqual(expected(ORG, (r) => r.courseCode !== 'C3'));
    expect(await ids('SELECT * FROM c WHERE @c = c.courseCode AND c.orgId = @orgId AND c.leftOn >= 100', ORG)).toEqual(
      expected(ORG, (r) => r.courseCode === 'C3' && r.leftOn >= 100),
    );
    const bySeq = {
      '<': (r: Record) => r.leftOn < 300,
      '<=': (r: Record) => r.leftOn <= 300,
      '>': (r: Record) => r.leftOn > 300,
      '>=': (r: Record) => r.leftOn >= 300,
    };
    const flipped = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
    for (const op of ['<', '<=', '>', '>='] as const) {
      expect(await ids(`SELECT * FROM c WHERE c.orgId = @orgId AND c.leftOn ${op} 300`, OTHER)).toEqual(expected(OTHER, bySeq[op]));
      expect(await ids(`SELECT * FROM c WHERE c.orgId = @orgId AND 300 ${op} c.leftOn`, OTHER)).toEqual(expected(OTHER, bySeq[flipped[op]]));
    }
    expect(await ids('SELECT * FROM c WHERE c.orgId = @orgId AND c.id >= "org-other-r9" AND c.id < "org-other-r95"', OTHER)).toEqual(
      expected(OTHER, (r) => r.id >= 'org-other-r9' && r.id < 'org-other-r95'),
    );
    // A value of another type never compares: strings are not below numbers.
    expect(await ids('SELECT * FROM c WHERE c.orgId = @orgId AND c.leftOn < "9"', ORG)).toEqual([]);
    // A value of another type never equals: "1" is not 1.
    expect(await ids('SELECT * FROM c WHERE c.orgId = @orgId AND c.leftOn = "1"', ORG)).toEqual([]);

    const [count] = await toArray(
      store.collection<Record>('people').query({
        query: 'SELECT VALUE COUNT(1) FROM c WHERE c.orgId = @orgId AND c.courseCode = @c',
        parameters: [
          { name: '@orgId', value: ORG },
          { name: '@c', value: 'C3' },
        ],
      }) as AsyncIterable<unknown> as AsyncIterable<Stored<Record>>,
    );
    expect(count).toBe(expected(ORG, (r) => r.courseCode === 'C3').length);

    const projected = await toArray(
      store
        .collection<Record>('people')
        .query({ query: 'SELECT c.id, c.leftOn FROM c WHERE c.orgId = @orgId AND c.agency = "p3"', parameters: [{ name: '@orgId', value: OTHER }] }),
    );
    expect(projected).toEqual(expect.arrayContaining([{ id: `${OTHER}-r3`, leftOn: 3 }]));
    expect(projected).toHaveLength(OTHER_RECORDS / PEOPLE);
  });

  it('pages stay right while documents change between them: nothing twice, changes to found documents kept out of the index', async () => {
    const records = store.collection<Record>('people');
    const query: QuerySpec = {
      query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.agency = @person',
      parameters: [
        { name: '@orgId', value: OTHER },
        { name: '@person', value: 'p42' },
      ],
    };
    const first = await records.queryPage(query, { pageSize: 2 });
    expect(first.items).toHaveLength(2);
    // Move one found record to another person, drop one not yet found, add a new one.
    await records.update(OTHER, first.items[0]!.id, (r) => ({ ...r, agency: 'p43' }));
    const all = await toArray(records.query(query));
    const notYetFound = all.find((r) => !first.items.some((f) => f.id === r.id))!;
    await records.delete(OTHER, notYetFound.id);
    await records.create({ ...record(OTHER, 10_042), agency: 'p42' });

    const rest: Stored<Record>[] = [];
    let continuation = first.continuation;
    while (continuation) {
      const page = await records.queryPage(query, { pageSize: 2, continuation });
      rest.push(...page.items);
      continuation = page.continuation;
    }
    const seen = [...first.items, ...rest].map((r) => r.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(rest.every((r) => r.agency === 'p42')).toBe(true);
    expect(seen).not.toContain(notYetFound.id);
    expect((await toArray(records.query(query))).map((r) => r.id)).not.toContain(first.items[0]!.id);
    expect((await toArray(records.query({ ...query, parameters: [query.parameters[0]!, { name: '@person', value: 'p43' }] }))).map((r) => r.id)).toContain(
      first.items[0]!.id,
    );
  });
});
