import fc from 'fast-check';
import { runs } from '../../fast-check-setup';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../../services/core/clock';
import { isAppError } from '../../../services/core/errors';
import { importPlan } from '../../../services/plan/import-plan';
import type { Action } from '../../../services/plan/model';
import { readTable, writeTable } from '../../../services/core/tabular';
import { toArray, type Store } from '../../../services/store/ports';
import { importPeople, importTraining } from '../../../services/training/import';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const PLAN_HEADERS = ['Learning point', 'Action', 'Evidence', 'Completion date', 'Lead', 'Progress', 'Status'];
const PEOPLE_HEADERS = ['Employee Number', 'Full Name', 'Work Email', 'Department', 'Job Title', 'Manager Employee Number', 'Status'];
const TRAINING_HEADERS = ['Employee Number', 'Course', 'Completion Date', 'Status'];

/** Cell text people and HR systems produce: dates in every shape, markup, formulas, ids from elsewhere, junk. */
const cell = fc.oneof(
  fc.constantFrom(
    '',
    'April 2015',
    'March On-going',
    '31/02/2026',
    '2026-13-01',
    '9th June 2015',
    'On-going',
    'Feb/March 2015',
    'October 2915',
    'G-Green',
    'R',
    'Blue',
    'Leaver',
    'completed',
    'booked',
    'SG-GEN',
    'Val Johnson / Tim Sadler',
  ),
  fc.constantFrom(
    '=HYPERLINK("https://evil.example")',
    '<script>alert(1)</script>',
    '**bold**',
    '\u0000\u202e',
    'other-org',
    '"quoted, with comma"',
    'Learning Point 2: Training',
  ),
  fc.string({ maxLength: 40 }),
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);
/** Headers: the right ones, shuffled, some missing, or strangers. */
const headersOf = (known: string[]) =>
  fc.oneof(
    { arbitrary: fc.constant(known), weight: 3 },
    { arbitrary: fc.shuffledSubarray(known, { minLength: 1 }), weight: 1 },
    { arbitrary: fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 }), weight: 1 },
  );
const table = (known: string[]) =>
  headersOf(known).chain((headers) =>
    fc.record({ headers: fc.constant(headers), rows: fc.array(fc.array(cell, { minLength: headers.length, maxLength: headers.length }), { maxLength: 12 }) }),
  );

/**
 * Generated spreadsheets through the real readers and importers: each is imported or refused with
 * a clear IMPORT_* or VALIDATION error; never any other failure, and rows are accounted for.
 */
describe('import files: whatever is in them, a report or a clear refusal', () => {
  let store: Store;
  let dir: string;
  const clock = new FixedClock('2026-11-22T10:00:00Z');
  beforeAll(async () => {
    store = await openTestStore();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-fuzz-'));
  });
  afterAll(async () => {
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  let n = 0;
  async function written(t: { headers: string[]; rows: string[][] }, ext: 'csv' | 'xlsx'): Promise<string> {
    const file = path.join(dir, `f${n++}.${ext}`);
    await writeTable(file, t.headers, t.rows);
    return file;
  }
  const refusedClearly = (e: unknown) => isAppError(e) && ['IMPORT_FILE_INVALID', 'IMPORT_TOO_LARGE', 'VALIDATION'].includes(e.code) && e.message.length > 10;
  const actionCount = async (orgId: string) =>
    (
      await toArray(
        store.collection<Action>('actions').query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: orgId }] }),
      )
    ).length;

  let imported = 0;
  afterAll(() => {
    // The generator is not blind: most files get as far as an import.
    expect(imported).toBeGreaterThan(10);
  });

  it('action plans, as CSV and XLSX', async () => {
    await fc.assert(
      fc.asyncProperty(table(PLAN_HEADERS), fc.constantFrom('csv' as const, 'xlsx' as const), async (t, ext) => {
        const orgId = `fuzz-plan-${n}`;
        try {
          const report = await importPlan(
            { store, clock },
            { orgId, planId: 'plan', title: 'Plan', fileName: `plan.${ext}`, table: await readTable(await written(t, ext)), dryRun: false },
          );
          imported++;
          // Every data row is an action created, or reported with its reason.
          expect(report.created + report.updated + report.unchanged + report.problems.length).toBe(report.dataRows);
          expect(await actionCount(orgId)).toBe(report.created);
        } catch (e) {
          if (!refusedClearly(e)) throw e;
          expect(await actionCount(orgId)).toBe(0);
        }
      }),
      { numRuns: runs(40) },
    );
  }, 60_000);

  it('people and training records from an HR system', async () => {
    await fc.assert(
      fc.asyncProperty(table(PEOPLE_HEADERS), table(TRAINING_HEADERS), async (people, training) => {
        for (const [t, run] of [
          [people, (file: string) => readTable(file).then((table) => importPeople({ store, clock }, { orgId: ORG, table, dryRun: false }))],
          [training, (file: string) => readTable(file).then((table) => importTraining({ store, clock }, { orgId: ORG, table, dryRun: false }))],
        ] as const) {
          try {
            const report = await run(await written(t, 'csv'));
            // Every data row is created, updated, unchanged or reported with its reason.
            expect(report.created + report.updated + report.unchanged + report.problems.length).toBe(report.dataRows);
            for (const p of report.problems) expect(p.reason.length).toBeGreaterThan(5);
          } catch (e) {
            if (!refusedClearly(e)) throw e;
          }
        }
      }),
      { numRuns: runs(40) },
    );
  }, 60_000);
});
