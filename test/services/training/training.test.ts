import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import type { Person } from '../../../services/people/model';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Table } from '../../../services/core/tabular';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { setUpTraining } from '../../../services/training/catalogue';
import { importPeople, importTraining } from '../../../services/training/import';
import { namedOverdueList, trainingRates } from '../../../services/training/reports';
import { OPERATOR } from '../../../services/access/policy';
import { pendingSelfReports, reviewSelfReport, selfReport } from '../../../services/training/self-report';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const AS_AT = '2026-11-22';
const clock = new FixedClock('2026-11-22T12:00:00Z');
const table = (headers: string[], rows: string[][]): Table => ({
  headers,
  rows: rows.map((r, i) => ({ rowNumber: i + 2, cells: Object.fromEntries(headers.map((h, j) => [h, r[j] ?? ''])) })),
});

/*
 * 300 people, employee numbers 0–299. Department D1/D2/D3 by i % 3. Officers report to managers
 * 200–289; managers to 200. Job title Officer for 0–199,
 * Manager for 200–299; 290–299 are leavers. Requirements: awareness (SG-AWARE) for everyone,
 * generalist (SG-GEN) for managers. Completions:
 *   SG-AWARE  0–149 on 2026-06-01 (valid, within 12 months); 150–249 on 2024-06-01 (valid, older);
 *             250–279 on 2023-01-01 (expired 2026-01-01); 280–299 none.
 *   SG-GEN    200–239 on 2026-03-01; 240–299 none.
 * As at 2026-11-22, over active people (0–289):
 *   SG-AWARE required 290, valid 250 (0–249), 12 months 150 (0–149).
 *   SG-GEN   required 90 (200–289), valid 40, 12 months 40.
 *   All: 380 required, 290 valid (76.3%), 190 within 12 months (50.0%).
 *   Officer: 200 / 200 (100%) / 150 (75%). Manager: 180 / 50+40=90 (50%) / 0+40=40 (22.2%).
 *   D1 (i%3=0): SG-AWARE 97 required, 84 valid, 50 recent; SG-GEN 30, 13, 13 → 127 / 97 / 63.
 *   D2 (i%3=1): 97, 83, 50 + 30, 13, 13 → 127 / 96 / 63.
 *   D3 (i%3=2): 96, 83, 50 + 30, 14, 14 → 126 / 97 / 64.
 * As at 2025-01-01 (2026 completions not yet made): SG-AWARE valid 150–279 = 130, within 12 months
 * (since 2024-01-01) 150–249 = 100; SG-GEN 0. All: 380 / 130 (34.2%) / 100 (26.3%).
 */
function peopleFile(): Table {
  const rows = Array.from({ length: 300 }, (_, i) => [
    String(i),
    `Person ${i}`,
    `p${i}@council.example`,
    `D${(i % 3) + 1}`,
    i < 200 ? 'Officer' : 'Manager',
    i < 200 ? String(200 + (i % 90)) : i === 200 ? '' : '200',
    i >= 290 ? 'Leaver' : 'Active',
  ]);
  return table(['Employee Number', 'Full Name', 'Work Email', 'Department', 'Job Title', 'Manager Employee Number', 'Status'], rows);
}
function trainingFile(): Table {
  const rows: string[][] = [];
  for (let i = 0; i < 300; i++) {
    const date = i < 150 ? '01/06/2026' : i < 250 ? '2024-06-01' : i < 280 ? '1 Jan 2023' : '';
    if (date) rows.push([String(i), 'SG-AWARE', date, 'Completed']);
    if (i >= 200 && i < 240) rows.push([String(i), 'Safeguarding generalist', '2026-03-01', 'Completed']);
  }
  rows.push(['285', 'SG-AWARE', '', 'Booked']);
  return table(['Employee Number', 'Course', 'Completion Date', 'Status'], rows);
}

describe('training completion for HR', () => {
  let store: Store;
  const person = async (id: string) => (await store.collection<Person>('people').read(ORG, id))!;
  const all = async (asAt = AS_AT) => (await trainingRates({ store }, ORG, asAt, 'course', OPERATOR)).find((r) => r.group === 'All');

  beforeAll(async () => {
    store = await openTestStore();
    await setUpTraining(store, ORG, {
      requirements: [
        { course: 'SG-AWARE', jobTitles: ['*'] },
        { course: 'SG-GEN', jobTitles: ['Manager'] },
      ],
    });
    const people = await importPeople({ store, clock }, { orgId: ORG, table: peopleFile(), dryRun: false });
    expect(people).toMatchObject({ created: 300, problems: [] });
    const training = await importTraining({ store, clock }, { orgId: ORG, table: trainingFile(), dryRun: false });
    expect(training).toMatchObject({ created: 321, problems: [] });
    await store.collection<Person>('people').update(ORG, 'emp-5', (p) => ({ ...p, roles: ['hr'] }));
  });
  afterAll(() => store.close());

  it('rates by course, role and department match the figures computed by hand, for both windows', async () => {
    expect(await trainingRates({ store }, ORG, AS_AT, 'course', OPERATOR)).toEqual([
      { group: 'Safeguarding awareness', required: 290, withinValidity: 250, within12Months: 150, pctWithinValidity: 86.2, pctWithin12Months: 51.7 },
      { group: 'Safeguarding generalist', required: 90, withinValidity: 40, within12Months: 40, pctWithinValidity: 44.4, pctWithin12Months: 44.4 },
      { group: 'All', required: 380, withinValidity: 290, within12Months: 190, pctWithinValidity: 76.3, pctWithin12Months: 50 },
    ]);
    expect(await trainingRates({ store }, ORG, AS_AT, 'role', OPERATOR)).toEqual([
      { group: 'Manager', required: 180, withinValidity: 90, within12Months: 40, pctWithinValidity: 50, pctWithin12Months: 22.2 },
      { group: 'Officer', required: 200, withinValidity: 200, within12Months: 150, pctWithinValidity: 100, pctWithin12Months: 75 },
      { group: 'All', required: 380, withinValidity: 290, within12Months: 190, pctWithinValidity: 76.3, pctWithin12Months: 50 },
    ]);
    expect((await trainingRates({ store }, ORG, AS_AT, 'department', OPERATOR)).map((r) => [r.group, r.required, r.withinValidity, r.within12Months])).toEqual([
      ['D1', 127, 97, 63],
      ['D2', 127, 96, 63],
      ['D3', 126, 97, 64],
      ['All', 380, 290, 190],
    ]);
  });

  it('as at a past date, later completions do not count yet', async () => {
    expect(await all('2025-01-01')).toEqual({
      group: 'All',
      required: 380,
      withinValidity: 130,
      within12Months: 100,
      pctWithinValidity: 34.2,
      pctWithin12Months: 26.3,
    });
  });

  it('re-importing the same people and training files changes nothing', async () => {
    expect(await importPeople({ store, clock }, { orgId: ORG, table: peopleFile(), dryRun: false })).toMatchObject({ created: 0, updated: 0, unchanged: 300 });
    expect(await importTraining({ store, clock }, { orgId: ORG, table: trainingFile(), dryRun: false })).toMatchObject({ created: 0, unchanged: 321 });
    expect((await person('emp-5')).roles).toEqual(['hr']); // app roles survive a re-import
  });

  it('a file with bad rows imports the good ones and reports each bad one with its row and reason', async () => {
    const bad = table(
      ['Employee Number', 'Course', 'Completion Date', 'Status'],
      [
        ['12', 'Prevent', '2026-10-01', 'Completed'],
        ['9999', 'Prevent', '2026-10-01', 'Completed'],
        ['13', 'Basket weaving', '2026-10-01', 'Completed'],
        ['14', 'Prevent', '31/02/2026', 'Completed'],
        ['15', 'Prevent', '', 'Completed'],
        ['16', 'Prevent', '2027-01-01', 'Completed'],
        ['17', 'Prevent', '2026-10-01', 'Maybe'],
        ['p18@council.example', 'DA', '2026-09-01', ''],
      ],
    );
    const report = await importTraining({ store, clock }, { orgId: ORG, table: bad, dryRun: false });
    expect(report.created).toBe(2);
    expect(report.problems).toEqual([
      { rowNumber: 3, reason: 'no one with employee number or email "9999" in the directory (import people first)' },
      { rowNumber: 4, reason: 'course "Basket weaving" is not in the catalogue' },
      { rowNumber: 5, reason: 'completion date "31/02/2026" is not a date; a completed course needs its completion date' },
      { rowNumber: 6, reason: 'a completed course needs its completion date' },
      { rowNumber: 7, reason: 'completion date 2027-01-01 is in the future' },
      { rowNumber: 8, reason: 'status "maybe" is not completed, booked or cancelled' },
    ]);
    const people = await importPeople(
      { store, clock },
      {
        orgId: ORG,
        table: table(
          ['Employee Number', 'Full Name', 'Department', 'Status'],
          [
            ['x y', 'Bad Id', 'D1', ''],
            ['400', '', 'D1', ''],
            ['401', 'New Starter', 'D2', 'Maybe'],
          ],
        ),
        dryRun: true,
      },
    );
    expect(people.problems.map((p) => p.rowNumber)).toEqual([2, 3, 4]);
  });

  it('a column mapping reads another HR system’s headers, and a file without the needed columns is refused', async () => {
    const other = table(['Staff ID', 'Name', 'Org Unit'], [['0', 'Person 0', 'D1']]);
    expect(
      await importPeople(
        { store, clock },
        { orgId: ORG, table: other, mapping: { employeeId: 'Staff ID', name: 'Name', department: 'Org Unit' }, dryRun: true },
      ),
    ).toMatchObject({ problems: [] });
    await expect(importPeople({ store, clock }, { orgId: ORG, table: other, dryRun: true })).rejects.toMatchObject({ code: 'IMPORT_FILE_INVALID' });
  });

  it('a self-reported completion counts only once HR verifies it; a rejected one never does', async () => {
    const before = (await all())!.withinValidity;
    const officer = await person('emp-281');
    const record = await selfReport(
      { store, clock },
      {
        actor: officer,
        timeZone: 'Europe/London',
        data: { courseCode: 'sg-aware', completedOn: '2026-11-01', certificateUrl: 'https://learning.example/cert/281' },
      },
    );
    expect((await all())!.withinValidity).toBe(before);
    await expect(reviewSelfReport({ store, clock }, { actor: officer, decision: 'verified', data: { recordId: record.id } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await pendingSelfReports({ store }, await person('emp-5'))).map((r) => r.id)).toEqual([record.id]);
    await reviewSelfReport({ store, clock }, { actor: await person('emp-5'), decision: 'verified', data: { recordId: record.id } });
    expect((await all())!.withinValidity).toBe(before + 1);

    const other = await selfReport(
      { store, clock },
      { actor: await person('emp-282'), timeZone: 'Europe/London', data: { courseCode: 'SG-AWARE', completedOn: '2026-11-02' } },
    );
    await reviewSelfReport(
      { store, clock },
      { actor: await person('emp-5'), decision: 'rejected', data: { recordId: other.id, note: 'No such session on that date' } },
    );
    expect((await all())!.withinValidity).toBe(before + 1);
    await expect(
      selfReport(
        { store, clock },
        { actor: officer, timeZone: 'Europe/London', data: { courseCode: 'SG-AWARE', completedOn: '2026-12-25', certificateUrl: 'javascript:alert(1)' } },
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('an officer cannot see who is overdue by name; HR can', async () => {
    await expect(namedOverdueList({ store }, ORG, AS_AT, await person('emp-1'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const list = await namedOverdueList({ store }, ORG, AS_AT, await person('emp-5'));
    expect(list.some((r) => r.name === 'Person 260' && r.expiredOn === '2026-01-01')).toBe(true);
    expect(list.find((r) => r.name === 'Person 285' && r.course === 'Safeguarding awareness')).toMatchObject({ booked: true, lastCompleted: '' });
    expect(list.some((r) => r.name === 'Person 295')).toBe(false); // leavers leave the lists
  });

  it('expiry reminders and manager digests go out on the first working day of each week, once', async () => {
    const calendar = new WorkingCalendar();
    const run = async (iso: string) => {
      const at = new FixedClock(iso);
      return runJob('training-reminders', {
        store,
        clock: at,
        orgId: ORG,
        organisation: await ensureOrganisation(store, at, ORG, { timeZone: 'Europe/London' }),
        calendar,
        logger: silentLogger,
      });
    };
    expect(await run('2026-11-24T09:15:00Z')).toMatchObject({ skipped: 'not the first working day of the week' });
    const monday = await run('2026-11-23T09:15:00Z');
    // Expired or missing as at 23 Nov: SG-GEN for every active manager from 240 to 289 (50 people,
    // 281 among them: its verified self-report was for awareness only); SG-AWARE for 250–289 adds
    // no one new. So 50 people; 0–239 are all up to date.
    expect(monday).toMatchObject({ reminders: 50 });
    expect((await run('2026-11-23T09:15:00Z')).reminders).toBe(0);
    const { items } = await deliveryStatus(store, ORG, { idPrefix: 'training-manager-2026-W48-' });
    // Managers 201–299 report to 200, so the whole list of 50 goes to 200 in one digest.
    expect(items.map((i) => i.id)).toEqual(['training-manager-2026-W48-emp-200']);
    expect((items[0]!.message as { text: string }).text.split('\n')).toHaveLength(50);
    // Christmas week: Monday 28 December is the Boxing Day substitute bank holiday, so Tuesday is the first working day.
    expect(await run('2026-12-28T09:15:00Z')).toMatchObject({ skipped: expect.stringMatching(/Boxing Day/) });
    expect((await run('2026-12-29T09:15:00Z')).week).toBe('2026-W53');
  });
});
