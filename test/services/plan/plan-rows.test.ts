import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoPlanPath } from '../../../services/demo/seed-demo';
import { parsePlanTable, parseRag, splitLeads } from '../../../services/plan/plan-rows';
import { readTable, writeTable, type Table } from '../../../services/core/tabular';

const table = (rows: Record<string, string>[], headers = ['Learning point', 'Action', 'Evidence', 'Completion date', 'Lead', 'Progress', 'Status']): Table => ({
  headers,
  rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells })),
});
const row = (over: Record<string, string> = {}) => ({
  'Learning point': 'Learning Point 1: Review',
  Action: 'Do it',
  Evidence: 'Minutes',
  'Completion date': 'April 2015',
  Lead: 'Val Johnson',
  Progress: 'On track',
  Status: 'G-Green',
  ...over,
});

describe('reading the rows of an action plan', () => {
  it.each([
    ['G-Green', 'G'],
    ['Green', 'G'],
    ['g', 'G'],
    ['B-Blue', 'B'],
    ['A - Amber', 'A'],
    ['Red', 'R'],
    ['', 'NR'],
    ['Purple', null],
    ['G-Red', null],
  ])('status "%s" reads as %s', (text, rag) => expect(parseRag(text)).toBe(rag));

  it('splits leads on /, commas, semicolons, & and "and"', () => {
    expect(splitLeads('Val Johnson/ Jennifer Kotilaine')).toEqual(['Val Johnson', 'Jennifer Kotilaine']);
    expect(splitLeads('A Smith, B Jones and C Brown & D Green; E White')).toEqual(['A Smith', 'B Jones', 'C Brown', 'D Green', 'E White']);
  });

  it('blank learning point and action cells continue the row above, as merged cells do', () => {
    const { rows } = parsePlanTable(table([row(), row({ 'Learning point': '', Action: '', Evidence: 'Report' })]));
    expect(rows[1]).toMatchObject({ learningPoint: { number: 1, title: 'Review' }, action: 'Do it', evidence: 'Report' });
  });

  it('accepts the source plan’s header names and common aliases', () => {
    const { rows } = parsePlanTable(
      table(
        [{ 'Learning Points': 'LP2 Training', Actions: 'Train', 'Due date': 'May 2015', Owner: 'Val Johnson', 'Status (RAG rating)': 'A-Amber' }],
        ['Learning Points', 'Actions', 'Due date', 'Owner', 'Status (RAG rating)'],
      ),
    );
    expect(rows[0]).toMatchObject({ learningPoint: { number: 2, title: 'Training' }, status: 'A', evidence: '', progress: '' });
  });

  it('a file without the plan’s columns is refused, naming what is missing and what was found', () => {
    expect(() => parsePlanTable(table([{ Name: 'x' }], ['Name', 'Colour']))).toThrow(
      /lacks the columns "Learning point", "Action", "Completion date", "Lead", "Status"\. Columns found: "Name", "Colour"/,
    );
  });

  it('each unreadable row is reported with its row number and every reason, and not imported', () => {
    const { rows, problems } = parsePlanTable(
      table([
        row(),
        row({ 'Completion date': 'October 2915' }),
        row({ Lead: '', Status: 'Purple' }),
        row({ 'Learning point': 'Introduction' }),
        row({ Action: '', Evidence: '', 'Learning point': '' }),
      ]),
    );
    expect(rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(problems).toEqual([
      { rowNumber: 3, reason: 'Completion date "October 2915": year 2915 is not plausible' },
      { rowNumber: 4, reason: 'no lead; Status "Purple" is not one of Blue, Green, Amber, Red' },
      { rowNumber: 5, reason: 'Learning point "Introduction" has no number (write "Learning Point 3: …")' },
      { rowNumber: 6, reason: 'no learning point above it; no action and no evidence' },
    ]);
  });

  it('the Oxford plan fixture: every data row is imported or reported, and only the unreadable dates are reported', async () => {
    const seed = await readTable(demoPlanPath());
    const { rows, problems } = parsePlanTable(seed);
    expect(seed.rows).toHaveLength(39);
    expect(rows.length + problems.length).toBe(39);
    expect(problems).toEqual([
      { rowNumber: 10, reason: 'Completion date "March On-going": "march" has no year' },
      { rowNumber: 25, reason: 'Completion date "April On-going": "april" has no year' },
      { rowNumber: 38, reason: 'Completion date "October 2915": year 2915 is not plausible' },
    ]);
    expect(new Set(rows.map((r) => r.learningPoint.number))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(rows.find((r) => r.due.text === '9th June 2019')?.due.dates).toEqual(['2019-06-09']);
  });
});

describe('reading and writing plan files', () => {
  const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'tabular-'));

  it('numbers rows as a spreadsheet does, counting blank lines, and tolerates a byte-order mark', async () => {
    const file = path.join(await tmp(), 'plan.csv');
    await fs.writeFile(file, '\ufeffLearning point,Action\n\nLearning Point 1: x,"Two\nlines"\n,,\n');
    const t = await readTable(file);
    expect(t.headers).toEqual(['Learning point', 'Action']);
    expect(t.rows).toEqual([{ rowNumber: 3, cells: { 'Learning point': 'Learning Point 1: x', Action: 'Two lines' } }]);
  });

  it('writes and reads back an .xlsx file', async () => {
    const file = path.join(await tmp(), 'plan.xlsx');
    await writeTable(
      file,
      ['Learning point', 'Status'],
      [
        ['Learning Point 1: x', 'G-Green'],
        ['', 'A-Amber'],
      ],
    );
    const t = await readTable(file);
    expect(t.rows.map((r) => r.cells)).toEqual([
      { 'Learning point': 'Learning Point 1: x', Status: 'G-Green' },
      { 'Learning point': '', Status: 'A-Amber' },
    ]);
    expect(t.rows.map((r) => r.rowNumber)).toEqual([2, 3]);
  });

  it('a file that is not a workbook but named .xlsx is refused clearly', async () => {
    const file = path.join(await tmp(), 'fake.xlsx');
    await fs.writeFile(file, 'not a zip');
    await expect(readTable(file)).rejects.toMatchObject({ code: 'IMPORT_FILE_INVALID', message: 'fake.xlsx is not a readable .xlsx workbook.' });
  });

  it('a missing file is refused clearly', async () => {
    await expect(readTable('/nonexistent/plan.csv')).rejects.toMatchObject({ code: 'IMPORT_FILE_INVALID' });
  });

  it('invalid UTF-8 is refused with advice to save as CSV UTF-8', async () => {
    const file = path.join(await tmp(), 'latin1.csv');
    await fs.writeFile(file, Buffer.from([0x4c, 0x65, 0x61, 0x64, 0x0a, 0xe9, 0xff, 0x0a]));
    await expect(readTable(file)).rejects.toThrow(/Save it as "CSV UTF-8"/);
  });
});
