import ExcelJS from 'exceljs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../../services/core/clock';
import { Directory } from '../../../services/people/repository';
import type { Person } from '../../../services/people/model';
import { readTable } from '../../../services/core/tabular';
import type { Store } from '../../../services/store/ports';
import { loadTrainingFigures, records, setUpTraining } from '../../../services/training/catalogue';
import { importPeople, importTraining } from '../../../services/training/import';
import { completionRates } from '../../../services/training/rates';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const fixture = (name: string) => path.join(__dirname, '..', '..', 'fixtures', 'training', name);
const clock = new FixedClock('2026-11-23T12:00:00Z');

describe('HR files from an iTrent-like export, read as files', () => {
  let store: Store;
  const person = async (id: string) => store.collection<Person>('people').read(ORG, id);

  beforeAll(async () => {
    store = await openTestStore();
    await setUpTraining(store, ORG, {
      requirements: [
        { course: 'SG-AWARE', jobTitles: ['*'] },
        { course: 'SG-GEN', jobTitles: ['Social Worker', 'Team Manager'] },
        { course: 'PREVENT', jobTitles: ['Social Worker'], departments: ["Children's Services"] },
      ],
    });
  });
  afterAll(() => store.close());

  it('a dry run of the people file reports what it would do and writes nothing', async () => {
    const report = await importPeople({ store, clock }, { orgId: ORG, table: await readTable(fixture('itrent-people.csv')), dryRun: true });
    expect(report).toMatchObject({ dryRun: true, dataRows: 10, created: 5 });
    expect(await new Directory(store).all({ orgId: ORG })).toEqual([]);
  });

  it('imports the good people rows, reports each bad row by number and reason, and links managers', async () => {
    const report = await importPeople({ store, clock }, { orgId: ORG, table: await readTable(fixture('itrent-people.csv')), dryRun: false });
    expect(report).toEqual({
      dryRun: false,
      dataRows: 10,
      created: 5,
      updated: 0,
      unchanged: 0,
      // Imported all the same, without a manager: the person matters more than the link.
      warnings: [{ rowNumber: 6, reason: 'manager "9999" is not in the file or the directory (imported without a manager)' }],
      problems: [
        { rowNumber: 7, reason: 'employee number "" is missing or not a plain code' },
        { rowNumber: 8, reason: '"not-an-email" is not an email address' },
        { rowNumber: 9, reason: 'status "maybe" is not active or leaver' },
        { rowNumber: 10, reason: 'repeats employee 2001 from row 2' },
        { rowNumber: 11, reason: 'no name' },
      ],
    });
    expect(await person('emp-2001')).toMatchObject({
      name: 'Priya Shah',
      email: 'priya.shah@council.example',
      aadObjectId: '6b1f3c2e-0c55-4d43-9a51-2001aa000001',
      department: "Children's Services",
      jobTitle: 'Social Worker',
      managerId: 'emp-2003',
      roles: ['officer'],
      active: true,
    });
    expect((await person('emp-2002'))?.managerId).toBe('emp-2003'); // manager given by email
    expect(await person('emp-2004')).toMatchObject({ active: false }); // leavers stay, inactive
    expect((await person('emp-2005'))?.managerId).toBeUndefined();

    const again = await importPeople({ store, clock }, { orgId: ORG, table: await readTable(fixture('itrent-people.csv')), dryRun: false });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
  });

  it('takes a partner officer’s tenant and agency from the people file, and refuses an object id that is not a GUID', async () => {
    const headers = ['Employee Number', 'Full Name', 'Department', 'Entra Object Id', 'Entra Tenant Id', 'Agency'];
    const row = (rowNumber: number, values: string[]) => ({ rowNumber, cells: Object.fromEntries(headers.map((h, i) => [h, values[i]!])) });
    // A store of its own: the rates below are worked out for the fixture files only.
    const own = await openTestStore();
    try {
      const report = await importPeople(
        { store: own, clock },
        {
          orgId: ORG,
          table: {
            headers,
            rows: [
              row(2, [
                'P-77',
                'Pat Constable',
                'Public Protection',
                '0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D',
                '9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D',
                'Thames Valley Police',
              ]),
              row(3, ['P-78', 'Sam Claimant', 'Public Protection', 'Tim Sadler', '', 'Thames Valley Police']),
            ],
          },
          dryRun: false,
        },
      );
      expect(report.problems).toEqual([{ rowNumber: 3, reason: 'object id "Tim Sadler" is not a GUID' }]);
      expect(await own.collection<Person>('people').read(ORG, 'emp-P-77')).toMatchObject({
        aadObjectId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        aadTenantId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        agency: 'Thames Valley Police',
      });
    } finally {
      await own.close();
    }
  });

  it('imports the good training rows whatever the date format, matching people by number or email and courses by code or name', async () => {
    const table = await readTable(fixture('itrent-training.csv'));
    const report = await importTraining({ store, clock }, { orgId: ORG, table, dryRun: false });
    expect(report).toEqual({
      dryRun: false,
      dataRows: 12,
      created: 6,
      updated: 0,
      // Row 13 is row 2 again with its date written the UK way: the same record.
      unchanged: 1,
      problems: [
        { rowNumber: 8, reason: 'completion date "30/02/2024" is not a date; a completed course needs its completion date' },
        { rowNumber: 9, reason: 'no one with employee number or email "7777" in the directory (import people first)' },
        { rowNumber: 10, reason: 'course "First aid at work" is not in the catalogue' },
        { rowNumber: 11, reason: 'completion date 2027-01-01 is in the future' },
        { rowNumber: 12, reason: 'status "maybe" is not completed, booked or cancelled' },
      ],
      warnings: [],
    });
    const stored = (await records(store, ORG))
      .map((r) => [r.personId, r.courseCode, r.completedOn ?? '', r.status])
      .sort((a, b) => a.join().localeCompare(b.join()));
    expect(stored).toEqual([
      ['emp-2001', 'PREVENT', '2026-10-01', 'completed'],
      ['emp-2001', 'SG-AWARE', '2025-03-14', 'completed'],
      ['emp-2002', 'SG-AWARE', '2024-03-14', 'completed'],
      ['emp-2003', 'SG-GEN', '2025-03-05', 'completed'],
      ['emp-2004', 'SG-AWARE', '2022-06-01', 'completed'],
      ['emp-2005', 'SG-AWARE', '', 'booked'],
    ]);
    expect(await importTraining({ store, clock }, { orgId: ORG, table, dryRun: false })).toMatchObject({ created: 0, updated: 0, unchanged: 7 });
  });

  it('reads a completion date from a real date cell of an .xlsx workbook', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'training-xlsx-'));
    try {
      const file = path.join(dir, 'learning.xlsx');
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Learning');
      sheet.addRow(['Employee Number', 'Course', 'Completion Date', 'Status']);
      sheet.addRow(['2002', 'Safeguarding generalist', new Date(Date.UTC(2026, 5, 30)), 'Completed']);
      sheet.getCell('C2').numFmt = 'dd/mm/yyyy';
      await workbook.xlsx.writeFile(file);
      expect(await importTraining({ store, clock }, { orgId: ORG, table: await readTable(file), dryRun: false })).toMatchObject({ created: 1, problems: [] });
      expect((await records(store, ORG)).find((r) => r.personId === 'emp-2002' && r.courseCode === 'SG-GEN')?.completedOn).toBe('2026-06-30');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  /*
   * As at 23 Nov 2026, active people: Priya and Tom (Social Workers, Children's Services), Ruth
   * (Team Manager) and Mo (Housing Officer); Dan has left, so his 2022 awareness course is kept but
   * not counted. Required: awareness 4 (everyone), generalist 3 (Priya, Tom, Ruth), Prevent 2
   * (Priya, Tom). The 12-month window starts after 23 Nov 2025.
   *   Awareness:   Priya 14 Mar 2025 and Tom 14 Mar 2024 valid, neither recent; Mo only booked → 4 / 2 / 0.
   *   Generalist:  Ruth 5 Mar 2025, Tom 30 Jun 2026 (the workbook) → 3 / 2 / 1.
   *   Prevent:     Priya 1 Oct 2026 → 2 / 1 / 1.
   *   All:         9 / 5 (55.6%) / 2 (22.2%).
   *   By department: Children's Services 3 + 3 + 2 = 8 required, 5 valid, 2 recent; Housing (Mo) 1 / 0 / 0.
   */
  it('the imported files give the completion rates worked out by hand', async () => {
    const data = await loadTrainingFigures(store, { orgId: ORG }, await new Directory(store).all({ orgId: ORG }), '2026-11-23');
    expect(completionRates(data, '2026-11-23', 'course')).toEqual([
      { group: 'Prevent', required: 2, withinValidity: 1, within12Months: 1, pctWithinValidity: 50, pctWithin12Months: 50 },
      { group: 'Safeguarding awareness', required: 4, withinValidity: 2, within12Months: 0, pctWithinValidity: 50, pctWithin12Months: 0 },
      { group: 'Safeguarding generalist', required: 3, withinValidity: 2, within12Months: 1, pctWithinValidity: 66.7, pctWithin12Months: 33.3 },
      { group: 'All', required: 9, withinValidity: 5, within12Months: 2, pctWithinValidity: 55.6, pctWithin12Months: 22.2 },
    ]);
    expect(completionRates(data, '2026-11-23', 'department').map((r) => [r.group, r.required, r.withinValidity, r.within12Months])).toEqual([
      ["Children's Services", 8, 5, 2],
      ['Housing', 1, 0, 0],
      ['All', 9, 5, 2],
    ]);
  });
});
