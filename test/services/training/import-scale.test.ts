import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../../services/core/clock';
import { readTable } from '../../../services/plan/tabular';
import type { Store } from '../../../services/store/ports';
import { setUpTraining } from '../../../services/training/catalogue';
import { importPeople, importTraining } from '../../../services/training/import';
import { completionRates } from '../../../services/training/rates';
import { loadTrainingData } from '../../../services/training/catalogue';
import { Directory } from '../../../services/people/directory';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const PEOPLE = 5000;
const RECORDS = 50_000;
const COURSES = ['SG-AWARE', 'Safeguarding generalist', 'sg-spec', 'CSE', 'Prevent', 'DA'];
const clock = new FixedClock('2026-11-22T12:00:00Z');

/*
 * 5,000 people and 50,000 completions, written as CSV files the way an HR export would be and read
 * back through readTable. Row i is person i % 5000, course i % 6 (codes and names in mixed case)
 * and a date (ISO or day/month/year) from 2020 to mid-2026. (person, course) repeats every 15,000
 * rows; the day offset (i % 2400) + floor(i / 30000) differs between those repeats, so all 50,000
 * records are distinct.
 */
async function writeFiles(dir: string): Promise<{ people: string; training: string }> {
  const people = ['Employee Number,Known As,Work Email,Department,Job Title,Status'];
  for (let i = 0; i < PEOPLE; i++) people.push(`${i},Person ${i},p${i}@council.example,Department ${i % 20},${i % 10 === 0 ? 'Manager' : 'Officer'},Active`);
  const training = ['Employee Number,Course,Completion Date,Status'];
  for (let i = 0; i < RECORDS; i++) {
    const d = new Date(Date.UTC(2020, 0, 1) + ((i % 2400) + Math.floor(i / 30000)) * 86_400_000);
    const iso = d.toISOString().slice(0, 10);
    const uk = `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()}`;
    training.push(`${i % PEOPLE},${COURSES[i % COURSES.length]},${i % 2 === 0 ? iso : uk},${i % 3 === 0 ? 'Completed' : 'completed'}`);
  }
  const files = { people: path.join(dir, 'people.csv'), training: path.join(dir, 'training.csv') };
  await fs.writeFile(files.people, people.join('\n'));
  await fs.writeFile(files.training, training.join('\n'));
  return files;
}

describe('a 50,000-row training export', () => {
  let store: Store;
  let dir: string;

  beforeAll(async () => {
    store = await openTestStore();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'training-import-'));
  });
  afterAll(async () => {
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('imports every row with progress reported, and importing it again changes nothing', async () => {
    const files = await writeFiles(dir);
    await setUpTraining(store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }, { course: 'SG-GEN', jobTitles: ['Manager'] }] });
    expect(await importPeople({ store, clock }, { orgId: ORG, table: await readTable(files.people), dryRun: false })).toMatchObject({ dataRows: PEOPLE, created: PEOPLE, problems: [] });

    const table = await readTable(files.training);
    const progress: [number, number][] = [];
    const first = await importTraining({ store, clock }, { orgId: ORG, table, dryRun: false, onProgress: (done, total) => progress.push([done, total]) });
    expect(first).toMatchObject({ dataRows: RECORDS, created: RECORDS, updated: 0, unchanged: 0, problems: [] });
    // Progress rises steadily to the total, so a caller can show it.
    expect(progress.length).toBeGreaterThanOrEqual(RECORDS / 500);
    expect(progress.at(-1)).toEqual([RECORDS, RECORDS]);
    expect(progress.every(([done], i) => i === 0 || done > progress[i - 1]![0])).toBe(true);

    const again = await importTraining({ store, clock }, { orgId: ORG, table, dryRun: false });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: RECORDS, problems: [] });

    // Every record landed, and the rates read them all back.
    const data = await loadTrainingData(store, ORG, await new Directory(store).all(ORG));
    expect(data.records).toHaveLength(RECORDS);
    const byCourse = completionRates(data, '2026-11-22', 'course');
    expect(byCourse.find((r) => r.group === 'Safeguarding awareness')?.required).toBe(PEOPLE);
  }, 600_000);
});
