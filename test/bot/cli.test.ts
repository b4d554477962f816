import { appEvents } from '../harness/partnership';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allCommands } from '../../bot/cli';
import { DEMO_PLAN_ID, demoPlanPath, seedDemo, seedDemoTraining } from '../../services/demo/seed-demo';
import { readTable } from '../../services/core/tabular';
import { toArray } from '../../services/store/ports';
import { takeSnapshot } from '../../services/store/snapshot';
import { cli } from '../harness/cli';
import { answerAsHousingOfficers, seedHousingDepartment, sendToHousing } from '../harness/cli-surveys';
import { openPersistentTestStore } from '../harness/store';
import { FixedClock } from '../../services/core/clock';
import type { Person } from '../../services/people/model';
import type { AuditEntry } from '../../services/audit/model';
import type { ConversationRecord } from '../../services/conversations/model';
import { loadAnswerSeal } from '../../services/surveys/seal';
import { DateTime } from 'luxon';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { formatDate } from '../../services/core/dates';

async function storedActions(dataDir: string): Promise<unknown[]> {
  const { store } = await openPersistentTestStore(dataDir);
  try {
    return await toArray(
      store.collection('actions').query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: 'demo' }] }),
    );
  } finally {
    await store.close();
  }
}

describe('npm run cli -- plan import / export', () => {
  let dataDir: string;
  let work: string;
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-'));
    dataDir = path.join(work, 'data');
  });

  it('--dry-run prints what would change and writes nothing', async () => {
    const { code, out } = await cli(dataDir, 'plan', 'import', demoPlanPath(), '--dry-run');
    expect(code).toBe(0);
    expect(out).toMatch(/Dry run \(nothing written\): would import plan "action-plan"/);
    expect(out).toMatch(/row \d+ LP1\.1: new action/);
    expect(out).toMatch(/Rows not imported[\s\S]*row \d+: .*2915/);
    expect(await storedActions(dataDir)).toHaveLength(0);
  });

  it('imports into the data folder, reports progress, and a second run changes nothing', async () => {
    const dataRows = (await readTable(demoPlanPath())).rows.length;
    const first = await cli(dataDir, 'plan', 'import', demoPlanPath());
    expect(first.err).toMatch(new RegExp(`Importing \\d+/\\d+`));
    const created = Number(first.out.match(/created (\d+)/)![1]);
    const notImported = Number(first.out.match(/not imported (\d+)/)![1]);
    expect(created + notImported).toBe(dataRows);
    expect(first.out).toMatch(/Leads not found in the people directory: .*Val Johnson/); // the CLI org has no directory yet
    expect(await storedActions(dataDir)).toHaveLength(created);

    const second = await cli(dataDir, 'plan', 'import', demoPlanPath());
    expect(second.out).toMatch(new RegExp(`created 0, updated 0, unchanged ${created}`));
  });

  it('exports the plan to xlsx for a board report', async () => {
    await cli(dataDir, 'plan', 'import', demoPlanPath());
    const file = path.join(work, 'board.xlsx');
    const { out } = await cli(dataDir, 'plan', 'export', file);
    expect(out).toMatch(/Wrote \d+ actions/);
    const table = await readTable(file);
    // The layout it was imported with: the demo plan names the review each learning point answers.
    expect(table.headers).toEqual(['Learning point', 'Action', 'Evidence', 'Completion date', 'Lead', 'Progress', 'Status', 'Review', 'Recommendation']);
  });

  const malformed: [string, string, string | Buffer][] = [
    ['wrong columns', 'wrong.csv', 'Name,Colour\nx,y\n'],
    ['an empty file', 'empty.csv', ''],
    ['binary junk', 'junk.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe, 0x00, 0x13, 0x37])],
    [
      'a 5 MB cell',
      'huge.csv',
      `Learning point,Action,Evidence,Completion date,Lead,Progress,Status\nLearning Point 1: x,${'a'.repeat(5 * 1024 * 1024)},e,April 2015,Val Johnson,,G\n`,
    ],
    ['a file that is not a spreadsheet', 'plan.pdf', '%PDF-1.4'],
  ];
  it.each(malformed)('%s gets a clear error and writes nothing', async (_what, name, content) => {
    const file = path.join(work, name);
    await fs.writeFile(file, content);
    const error = await cli(dataDir, 'plan', 'import', file).catch((e: unknown) => e as { code: string; message: string });
    expect(error).toMatchObject({ code: expect.stringMatching(/^IMPORT_(FILE_INVALID|TOO_LARGE)$/) });
    expect((error as unknown as Error).message.length).toBeGreaterThan(10);
    expect(await storedActions(dataDir)).toHaveLength(0);
  });

  it('an option another command takes is refused with the command’s usage, and nothing is imported', async () => {
    const error = await cli(dataDir, 'plan', 'import', demoPlanPath(), '--anonymous').catch((e: unknown) => e as { code: string; message: string });
    expect(error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/Unknown option '--anonymous'\. Usage: plan import/) });
    expect(await storedActions(dataDir)).toHaveLength(0);
  });

  it('every command declares exactly the options its usage shows', async () => {
    const commands = await allCommands();
    expect(Object.keys(commands).length).toBeGreaterThanOrEqual(20);
    for (const [name, command] of Object.entries(commands)) {
      // An option in the usage text is one the command accepts, and the other way round.
      const shown = [...command.usage.matchAll(/--([a-z-]+)/g)].map((m) => m[1]).filter((o) => o !== 'org');
      const declared = Object.keys(command.options ?? {});
      expect({ name, options: [...new Set(shown)].sort() }).toEqual({ name, options: declared.sort() });
    }
  });

  it('delivery reach lists who Teams cannot reach and why; installing needs Graph to be set up', async () => {
    await cli(dataDir, 'people', 'import', path.join(__dirname, '..', 'fixtures', 'training', 'people.csv'));
    const { code, out } = await cli(dataDir, 'delivery', 'reach');
    expect(code).toBe(0);
    expect(out).toMatch(/^Teams 0, email 0, unreachable [1-9]\d*$/m);
    expect(out).toMatch(/unreachable +(not linked to a Microsoft 365 account|has not opened the app)/);
    // This server sends no email (no MAIL_SENDER): an administrator cannot choose it for anyone either.
    await expect(cli(dataDir, 'people', 'notify', 'alex.morgan@council.example', 'both')).rejects.toMatchObject({ code: 'EMAIL_NOT_SET_UP' });
    expect((await cli(dataDir, 'people', 'notify', 'alex.morgan@council.example', 'teams')).out).toMatch(/Alex Morgan now gets messages by teams/);
    await expect(cli(dataDir, 'people', 'notify', 'alex.morgan@council.example', 'pigeon')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(cli(dataDir, 'delivery', 'reach', '--install')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/--install needs TEAMS_CATALOG_APP_ID/),
    });
  });

  it('tracker help prints every command and succeeds', async () => {
    for (const asked of ['help', '--help']) {
      const { code, out } = await cli(dataDir, asked);
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage: tracker <command>[\s\S]*plan export[\s\S]*delivery status/);
    }
    const one = await cli(dataDir, 'plan', 'export', '--help');
    expect(one).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: tracker plan export <file/) });
  });

  it('an unknown command prints usage', async () => {
    const { code, err } = await cli(dataDir, 'plan', 'frobnicate');
    expect(code).toBe(2);
    expect(err).toMatch(/Usage: tracker <command>[\s\S]*plan import/);
  });

  it('prints the central record review, and writes it to a spreadsheet', async () => {
    const { out } = await cli(dataDir, 'escalations', 'report', '--from', '2026-07-01', '--to', '2026-09-30');
    expect(out).toMatch(/Raised\s+Total\s+0/);
    const file = path.join(work, 'review.xlsx');
    await cli(dataDir, 'escalations', 'report', '--from', '2026-07-01', '--to', '2026-09-30', '--out', file);
    expect((await readTable(file)).headers).toEqual(['Section', 'Measure', 'Value']);
    await expect(cli(dataDir, 'escalations', 'report', '--from', '1 July', '--to', '2026-09-30')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('org set validates and stores the organisation’s reminder policy, escalation rules and ladder; org show prints them', async () => {
    const good = path.join(work, 'settings.json');
    await fs.writeFile(
      good,
      JSON.stringify({ name: 'Oxford City Council', reminderPolicy: { beforeDue: [10, 5, 1] }, escalationRules: { overdueWorkingDays: 15 } }),
    );
    expect((await cli(dataDir, 'org', 'set', good)).out).toMatch(/Updated the settings of "demo"/);
    const shown = JSON.parse((await cli(dataDir, 'org', 'show')).out);
    expect(shown).toMatchObject({
      name: 'Oxford City Council',
      timeZone: 'Europe/London',
      reminderPolicy: { beforeDue: [10, 5, 1] },
      escalationRules: { overdueWorkingDays: 15 },
    });
    expect(shown._etag).toBeUndefined();

    const bad = path.join(work, 'bad.json');
    await fs.writeFile(
      bad,
      JSON.stringify({ timeZone: 'Mars/Olympus', escalationLadder: [{ name: 'x', respondWithinWorkingDays: 0, roles: ['wizard'] }], colour: 'blue' }),
    );
    const error = await cli(dataDir, 'org', 'set', bad).catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(
      /timeZone: must be an IANA time zone[\s\S]*escalationLadder\.0\.respondWithinWorkingDays[\s\S]*escalationLadder\.0\.roles\.0[\s\S]*Unrecognized key/,
    );
  });

  it('plan import records the plan’s owner, period and review dates', async () => {
    await cli(dataDir, 'plan', 'import', demoPlanPath(), '--owner', 'Tim Sadler', '--period', '2015-04-01..2016-03-31', '--next-review', '2015-05-07');
    const { store } = await openPersistentTestStore(dataDir);
    try {
      expect(await store.collection('plans').read('demo', 'action-plan')).toMatchObject({
        owner: { name: 'Tim Sadler' },
        period: { start: '2015-04-01', end: '2016-03-31' },
        reviewDates: { nextReview: '2015-05-07' },
      });
    } finally {
      await store.close();
    }
    await expect(cli(dataDir, 'plan', 'import', demoPlanPath(), '--period', '2016..2015')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('HR imports people and training from CSV, sees bad rows reported, and gets the completion report', async () => {
    const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', 'training', name);
    expect((await cli(dataDir, 'training', 'setup', fixture('setup.json'))).out).toMatch(/Training set up: 7 courses, 3 role requirements/);
    const people = await cli(dataDir, 'people', 'import', fixture('people.csv'));
    expect(people.out).toMatch(/6 rows of people: created 4, updated 0, unchanged 0, not imported 2/);
    expect(people.out).toMatch(/row 6: employee number "x 5" is missing or not a plain code/);
    expect(people.out).toMatch(/row 7: no name/);
    const training = await cli(dataDir, 'training', 'import', fixture('training.csv'));
    expect(training.out).toMatch(/7 rows of training records: created 4, updated 0, unchanged 0, not imported 3/);
    expect(training.out).toMatch(/row 6: course "Basket weaving" is not in the catalogue/);
    expect((await cli(dataDir, 'training', 'import', fixture('training.csv'))).out).toMatch(/created 0, updated 0, unchanged 4/);

    // As at 1 Oct 2026, active people 1001–1003: SG-AWARE ×3 (1001 valid from May 2025, 1002 expired on
    // 1 Oct 2026, 1003 none), SG-GEN ×2 (1003 valid from Feb 2026, 1002 none), PREVENT ×1 (1002 booked
    // only): 6 required, 2 within validity, 1 within 12 months (1003's SG-GEN).
    const report = await cli(dataDir, 'training', 'report', '--at', '2026-10-01', '--by', 'course');
    expect(report.out).toMatch(/All\s+6\s+2\s+33.3%\s+1\s+16.7%/);
    // The same report as a spreadsheet: its headers, then its rows, counts as numbers.
    const xlsx = path.join(work, 'by-course.xlsx');
    expect((await cli(dataDir, 'training', 'report', '--at', '2026-10-01', '--by', 'course', '--out', xlsx)).out).toMatch(
      /^Training completion by course, as at 1 Oct 2026: wrote 4 rows to /,
    );
    const sheet = await readTable(xlsx);
    expect(sheet.headers).toEqual(['Course', 'Required', 'Within validity', '% within validity', 'Within 12 months', '% within 12 months']);
    expect(sheet.rows.at(-1)!.cells).toEqual({
      Course: 'All',
      Required: '6',
      'Within validity': '2',
      '% within validity': '33.3%',
      'Within 12 months': '1',
      '% within 12 months': '16.7%',
    });
    const out = path.join(work, 'overdue.csv');
    await cli(dataDir, 'training', 'overdue', '--at', '2026-10-01', '--out', out);
    expect((await readTable(out)).rows.map((r) => `${r.cells.Name}: ${r.cells.Course}${r.cells.Booked ? ' (booked)' : ''}`)).toEqual([
      'Jo Reed: Safeguarding awareness',
      'Sam Patel: Prevent (booked)',
      'Sam Patel: Safeguarding awareness',
      'Sam Patel: Safeguarding generalist',
    ]);
    await expect(cli(dataDir, 'people', 'import', fixture('people.csv'), '--map', 'shoeSize=Shoe')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('backup → wipe → restore round-trips every container exactly, and keeps the record of who saw what since', async () => {
    await cli(dataDir, 'plan', 'import', demoPlanPath());
    await cli(dataDir, 'training', 'setup', path.join(__dirname, '..', 'fixtures', 'training', 'setup.json'));
    const backups = path.join(work, 'backups');
    expect((await cli(dataDir, 'backup', backups)).out).toMatch(/Backed up to .*backup-.*\.json: organisations 1, plans 1, actions \d+/);
    const dump = async () => {
      const { store } = await openPersistentTestStore(dataDir);
      try {
        // The audit is compared apart: a restore adds to it and never takes from it.
        const { audit: _audit, ...containers } = (await takeSnapshot(store, 'test')).containers;
        return JSON.stringify(containers);
      } finally {
        await store.close();
      }
    };
    const before = await dump();
    await fs.rm(dataDir, { recursive: true, force: true });
    await cli(dataDir, 'people', 'import', path.join(__dirname, '..', 'fixtures', 'training', 'people.csv')); // something the backup does not have
    expect((await cli(dataDir, 'restore', backups, '--replace')).out).toMatch(/Restored .* removed \d+ documents not in the backup/);
    expect(await dump()).toBe(before);
    const { store } = await openPersistentTestStore(dataDir);
    try {
      const audit = (await toArray(store.collection<AuditEntry>('audit').readAll())).map((e) => `${e.action} ${e.record.kind}`);
      // The import made after the backup is still on record, with the restore itself.
      expect(audit.sort()).toEqual(['change people-import', 'change restore']);
    } finally {
      await store.close();
    }
  });
});

/** What `npm start` leaves in a fresh data folder: the demo plan, its people and their training. */
async function dataFolderAfterNpmStart(dataDir: string): Promise<void> {
  const { store } = await openPersistentTestStore(dataDir);
  try {
    await seedDemo(store, new FixedClock('2026-11-22T10:00:00Z'), 'demo', 'Europe/London', appEvents());
    await seedDemoTraining(store, 'demo');
  } finally {
    await store.close();
  }
}

describe('the commands docs/CLI.md gives, on the demo that npm start loads', () => {
  let dataDir: string;
  let work: string;
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-demo-'));
    dataDir = path.join(work, 'data');
    await dataFolderAfterNpmStart(dataDir);
  });

  it('the first command finds the demo a partnership already: nothing converted, no backup, every agency named', async () => {
    const { code, out } = await cli(dataDir, 'partnership', 'report');
    expect(code).toBe(0);
    expect(out).toMatch(/Oxford City Council/);
    expect(out).not.toMatch(/\(no agency\)/);
    await expect(fs.readdir(path.join(dataDir, 'backups'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('tracker report partnership prints what tracker partnership report prints: one declaration behind both names', async () => {
    const declared = await cli(dataDir, 'report', 'partnership', '--at', '2026-11-23');
    const old = await cli(dataDir, 'partnership', 'report', '--at', '2026-11-23');
    expect(declared.code).toBe(0);
    expect(declared.out).toMatch(/Training by agency/);
    expect(declared.out).toBe(old.out);
    expect((await cli(dataDir, 'report', 'list')).out).toMatch(/^partnership: Figures only, no names/m);
  });

  it('plan export board-report.xlsx writes the one demo plan without being told which', async () => {
    const file = path.join(work, 'board-report.xlsx');
    const { code, out } = await cli(dataDir, 'plan', 'export', file);
    expect(code).toBe(0);
    expect(out).toMatch(/Wrote 36 actions of "Safeguarding Action Plan 2015-16"/);
    expect((await readTable(file)).rows.length).toBeGreaterThanOrEqual(36);
  });

  it('plan import of the demo file --dry-run compares it with the demo plan: nothing new, nothing written', async () => {
    // A restored snapshot gets new system fields (etag, time stamp): compare what the actions say.
    const contents = async () => (await storedActions(dataDir)).map((a) => Object.fromEntries(Object.entries(a as object).filter(([k]) => !k.startsWith('_'))));
    const before = await contents();
    const { code, out } = await cli(dataDir, 'plan', 'import', demoPlanPath(), '--dry-run');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`would import plan "${DEMO_PLAN_ID}"`));
    expect(out).toMatch(/created 0, updated 0, unchanged 36/);
    expect(await contents()).toEqual(before);
  });

  it('delivery status says in words why a message reached no one: a chat nobody is linked to is "not linked"', async () => {
    // Val opened the app in Teams, but no administrator has linked her account yet.
    const { store } = await openPersistentTestStore(dataDir);
    await store.collection<ConversationRecord>('conversations').upsert({
      id: 'personal-aad-someone',
      orgId: 'demo',
      kind: 'personal',
      tenantId: '5f0c3b2e-6a1d-4c8e-9b7a-2d4e6f8a0c1e',
      conversationId: 'a:1chat',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      botId: '28:bot',
      user: { aadObjectId: 'aad-someone', teamsUserId: '29:someone', name: 'Val Johnson' },
      unlinked: { firstTriedAt: '2026-11-22T10:00:00Z', lastTriedAt: '2026-11-22T10:00:00Z', reason: 'not-linked' },
      reachable: true,
      installedAt: '2026-11-22T10:00:00Z',
      updatedAt: '2026-11-22T10:00:00Z',
    });
    await store.close();
    const closes = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await cli(dataDir, 'survey', 'send', 'awareness', '--as', 'vjohnson@oxford.gov.uk', '--audience', 'everyone', '--closes', closes);
    const { code, out } = await cli(dataDir, 'delivery', 'status');
    expect(code).toBe(0);
    expect(out).toMatch(/^ +unreachable +\S+: not linked to a Microsoft 365 account in this organisation$/m);
    expect(out).not.toMatch(/\(0 |has not installed the app/);
  });

  it('with a second plan, a plan command that names none lists the plans to choose from', async () => {
    await cli(dataDir, 'plan', 'import', demoPlanPath(), '--plan', 'action-plan-2026-27', '--title', 'Action Plan 2026-27');
    const asked = cli(dataDir, 'plan', 'export', path.join(work, 'which.xlsx'));
    await expect(asked).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(
        /2 plans: say which with --plan: .*action-plan-2015-16 \("Safeguarding Action Plan 2015-16"\).*action-plan-2026-27 \("Action Plan 2026-27"\)/,
      ),
    });
    await expect(cli(dataDir, 'plan', 'import', demoPlanPath(), '--dry-run')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/say which with --plan/),
    });
    const chosen = await cli(dataDir, 'plan', 'export', path.join(work, 'chosen.xlsx'), '--plan', 'action-plan-2026-27');
    expect(chosen.out).toMatch(/of "Action Plan 2026-27"/);
    await expect(cli(dataDir, 'plan', 'export', path.join(work, 'none.xlsx'), '--plan', 'action-plan')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/Its plans: action-plan-2015-16/),
    });
  });
});

describe('npm run cli -- survey …', () => {
  let dataDir: string;
  let work: string;
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-survey-'));
    dataDir = path.join(work, 'data');
    await seedHousingDepartment(dataDir, 6);
  });

  it('adds a questionnaire from YAML, sends it to a department and exports the results', async () => {
    const yaml = path.join(work, 'supervision.yaml');
    await fs.writeFile(
      yaml,
      'key: supervision-check\nversion: 1\ntitle: Supervision check\nquestions:\n  - { id: had-supervision, type: yes-no, text: Have you had supervision this quarter? }\n',
    );
    expect((await cli(dataDir, 'survey', 'add', yaml)).out).toMatch(/Added questionnaire supervision-check version 1: 1 questions/);
    // The command line runs on the real clock: the closing date is counted from today's, so the test holds on any day.
    const closes = DateTime.utc().plus({ weeks: 8 }).toISODate()!;
    const { out: sent, campaignId } = await sendToHousing(dataDir, 'supervision-check', closes);
    expect(sent).toContain('to 6 people');
    await answerAsHousingOfficers(
      dataDir,
      campaignId,
      [0, 1, 2, 3, 4].map((i) => ({ 'q_had-supervision': i < 4 ? 'yes' : 'no' })),
    );
    const out = path.join(work, 'results.csv');
    expect((await cli(dataDir, 'survey', 'results', campaignId, '--out', out)).out).toMatch(/Results of "Supervision check": wrote \d+ rows/);
    const rows = (await readTable(out)).rows.map((r) => Object.values(r.cells).join(' | '));
    expect(rows).toContain('Response | Responded |  | 5 | 83.3%');
    expect(rows).toContain('Question | Have you had supervision this quarter? | Yes | 4 | 80%');
    expect(rows).toContain('Breakdown | Department: Housing | Responses | 5 | ');
    expect(rows).toContain('Breakdown | Department: Housing | Have you had supervision this quarter?: No | 1 | 20%');
    expect((await cli(dataDir, 'survey', 'list')).out).toMatch(
      /awareness v1 \(built in\)[\s\S]*supervision-check v1: Supervision check[\s\S]*open: "Supervision check" to the housing department; 6 asked/,
    );
  });

  it('an anonymous campaign exports no figure while open, nor once closed with four answers, in CSV or XLSX', async () => {
    // Dates from today's, so the test holds on any day: closes in four weeks, closed two working days later.
    const closes = DateTime.utc().plus({ weeks: 4 }).toISODate()!;
    const closedOn = new WorkingCalendar().addWorkingDays(closes, 2);
    const { out: sent, campaignId } = await sendToHousing(dataDir, 'supervision-check', closes, '--anonymous');
    expect(sent).toContain('to 6 people');
    // Sealed with the CLI's own key (in local mode, kept in the data folder), so the CLI can close the campaign.
    const seal = loadAnswerSeal({ DATA_DIR: dataDir, localMode: true, SURVEY_SEAL_KEY: undefined });
    await answerAsHousingOfficers(dataDir, campaignId, Array(4).fill({ 'q_had-supervision': 'yes' }), seal);
    const exported = async (file: string) => {
      await cli(dataDir, 'survey', 'results', campaignId, '--out', path.join(work, file));
      return (await readTable(path.join(work, file))).rows.map((r) => Object.values(r.cells).join(' | '));
    };
    expect(await exported('open.csv')).toEqual([
      'Campaign |  | Supervision check |  | ',
      'Response | Invited |  | 6 | ',
      'Response | Responded |  | 4 | 66.7%',
      `Withheld | Anonymous: only the response rate is shown until it closes (${formatDate(closes)}), so nobody’s answers can be worked out from how the figures change. |  |  | `,
    ]);
    expect((await cli(dataDir, 'jobs', 'run', 'questionnaires', '--at', `${closedOn}T09:00:00Z`, '--no-deliver')).out).toMatch(/"closed":1/);
    for (const file of ['closed.csv', 'closed.xlsx']) {
      expect(await exported(file)).toEqual([
        'Campaign |  | Supervision check |  | ',
        'Response | Invited |  | 6 | ',
        'Response | Responded |  | 4 | 66.7%',
        'Withheld | Anonymous: fewer than 5 answers, so no figures are shown. |  |  | ',
      ]);
    }
    const keyFile = await fs.stat(path.join(dataDir, 'survey-seal.key'));
    expect(keyFile.mode & 0o777).toBe(0o600);
  });

  it('turns on the three-month follow-up for a course, and refuses what it cannot read', async () => {
    expect((await cli(dataDir, 'survey', 'follow-up', 'SG-GEN')).out).toMatch(
      /SG-GEN completions get "training-follow-up" 90 days later \(on the next working day\), one campaign per month of completion, open 10 working days, anonymous; a pool of fewer than 5 waits for the next/,
    );
    await expect(
      cli(dataDir, 'survey', 'send', 'awareness', '--as', 'simon.howick@example.gov.uk', '--audience', 'planet=mars', '--closes', '2027-01-29'),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(cli(dataDir, 'survey', 'results', 'campaign-nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(cli(dataDir, 'survey', 'follow-up', 'NO-SUCH-COURSE')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('npm run cli -- people link / unlink / unlinked', () => {
  const OBJECT_ID = '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99';
  const TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
  let dataDir: string;
  beforeAll(async () => {
    dataDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'cli-people-')), 'data');
    const { store } = await openPersistentTestStore(dataDir);
    try {
      await store
        .collection<Person>('people')
        .upsert({ id: 'pc-ann', orgId: 'demo', name: 'Ann Officer', agency: 'Thames Valley Police', roles: ['officer'], active: true });
      // A partner agency's officer opened the app before anyone linked her: the bot kept the attempt.
      await store.collection<ConversationRecord>('conversations').upsert({
        id: `personal-${OBJECT_ID}`,
        orgId: 'demo',
        kind: 'personal',
        tenantId: TENANT,
        conversationId: 'a:1ann',
        serviceUrl: 'https://smba.trafficmanager.net/uk/',
        botId: '28:bot',
        user: { aadObjectId: OBJECT_ID, teamsUserId: '29:ann', name: 'Ann O.' },
        unlinked: { firstTriedAt: '2026-11-20T09:00:00.000Z', lastTriedAt: '2026-11-21T09:00:00.000Z', reason: 'not-linked' },
        reachable: true,
        installedAt: '2026-11-20T09:00:00.000Z',
        updatedAt: '2026-11-21T09:00:00.000Z',
      });
    } finally {
      await store.close();
    }
  });

  it('lists who tried, links them by object id in the tenant they came from, and unlinks them', async () => {
    expect((await cli(dataDir, 'people', 'unlinked')).out).toMatch(new RegExp(`${OBJECT_ID}  tenant ${TENANT}  "Ann O\\."  last tried 2026-11-21`));
    await expect(cli(dataDir, 'people', 'link', 'pc-ann', '--object-id', 'not-a-guid')).rejects.toThrow(/is not an Entra object id/);
    const linked = await cli(dataDir, 'people', 'link', 'pc-ann', '--object-id', OBJECT_ID);
    expect(linked.out).toContain(`Linked Ann Officer (pc-ann) to object id ${OBJECT_ID} in tenant ${TENANT}.`);
    expect((await cli(dataDir, 'people', 'unlinked')).out).toMatch(/Everyone who has opened the app is linked/);
    let { store } = await openPersistentTestStore(dataDir);
    try {
      expect(await store.collection<Person>('people').read('demo', 'pc-ann')).toMatchObject({ aadObjectId: OBJECT_ID, aadTenantId: TENANT });
      expect((await store.collection<ConversationRecord>('conversations').read('demo', `personal-${OBJECT_ID}`))?.personId).toBe('pc-ann');
    } finally {
      await store.close();
    }
    expect((await cli(dataDir, 'people', 'unlink', 'pc-ann')).out).toMatch(/Unlinked Ann Officer/);
    ({ store } = await openPersistentTestStore(dataDir));
    try {
      const ann = await store.collection<Person>('people').read('demo', 'pc-ann');
      expect(ann?.aadObjectId).toBeUndefined();
      expect(ann?.aadTenantId).toBeUndefined();
      expect((await store.collection<ConversationRecord>('conversations').read('demo', `personal-${OBJECT_ID}`))?.personId).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
