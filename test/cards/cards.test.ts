import * as AC from 'adaptivecards';
import { CARD_TEMPLATES, cardSizeUtf16, MAX_CARD_UTF16_BYTES, md, OPEN_URL_ALLOW_LIST, renderCard, type AdaptiveCardJson } from '../../cards/render';
import { renderMessage } from '../../cards/messages';
import { welcomeCard } from '../../cards/views';
import { updateFormCard } from '../../cards/actions/cards';
import { surveyCard } from '../../cards/surveys/views';
import { columnWidths, MAX_REPORT_CARD_ROWS, reportCard } from '../../cards/report-card';
import type { Report } from '../../services/core/report';
import { templateFiles, underCards } from './template-files';
import { action, AWARENESS, CAMPAIGN, ENTRIES, EXAMPLES, KEY, LONG_REPORT, resultsCard } from './examples';
import { groupResults, highlightResults, questionResults } from '../../services/surveys/results';

/** Teams' responsive layout widths (`targetWidth`), which the 1.5 library does not check. */
const TEAMS_TARGET_WIDTHS = [
  'veryNarrow',
  'narrow',
  'standard',
  'wide',
  ...['veryNarrow', 'narrow', 'standard', 'wide'].flatMap((w) => [`atLeast:${w}`, `atMost:${w}`]),
];

function inputs(node: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((n) => inputs(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) found.push(o);
    Object.values(o).forEach((v) => inputs(v, found));
  }
  return found;
}

/** Parse and validation events at Adaptive Cards 1.5, what Teams supports, not the library's latest. */
function validationEvents(json: AdaptiveCardJson): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  const events = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i));
  const results = card.validateProperties();
  return [...events, ...results.validationEvents].map((e) => `${e.event}: ${e.message}`);
}

it('the validator is not blind: it reports an input without an id and an unknown element', () => {
  const bad = {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'Input.Text', label: 'x' },
      { type: 'Blink', text: 'x' },
    ],
  } as AdaptiveCardJson;
  expect(validationEvents(bad).length).toBeGreaterThanOrEqual(2);
});

it('the validator checks at 1.5: a property of Adaptive Cards 1.6 (an input label beside its field) is reported', () => {
  const newer = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Input.Text', id: 'a', label: 'Name', labelPosition: 'inline' }] } as AdaptiveCardJson;
  expect(validationEvents(newer)).toEqual([expect.stringMatching(/labelPosition.*1\.6.*1\.5/)]);
});

describe.each(Object.entries(EXAMPLES))('card "%s"', (_name, json) => {
  it('parses and validates in the Adaptive Cards library with no events', () => {
    expect(validationEvents(json)).toEqual([]);
  });
  it('declares version 1.5 or lower (Teams supports 1.5 at most)', () => {
    expect(Number(json.version)).toBeLessThanOrEqual(1.5);
  });
  it('labels every input', () => {
    for (const input of inputs(json)) expect(typeof input.label === 'string' && input.label.length > 0).toBe(true);
  });
  it(`stays within ${MAX_CARD_UTF16_BYTES / 1024} KB counted in UTF-16, as Teams counts`, () => {
    expect(cardSizeUtf16(json)).toBeLessThanOrEqual(MAX_CARD_UTF16_BYTES);
  });
  it('uses only the responsive widths Teams knows', () => {
    const widths = [...JSON.stringify(json).matchAll(/"targetWidth":"([^"]*)"/g)].map((m) => m[1]);
    for (const w of widths) expect(TEAMS_TARGET_WIDTHS).toContain(w);
  });
  it('leaves no template expression unexpanded', () => {
    expect(JSON.stringify(json)).not.toMatch(/\$\{|"\$when"|"\$data"/);
  });
  it('has no Image without a url and opens no links outside our allow-list', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"type":"Image"(?![^}]*"url")/);
    const urls = [...text.matchAll(/"type":"Action\.OpenUrl"[^}]*"url":"([^"]*)"/g)].map((m) => m[1]!);
    expect((text.match(/Action\.OpenUrl/g) ?? []).length).toBe(urls.length);
    for (const url of urls) expect(OPEN_URL_ALLOW_LIST.some((allowed) => allowed.test(url))).toBe(true);
  });
});

/** Each table's rows as the text of their cells, header row first. */
const tables = (card: AdaptiveCardJson) =>
  (card.body as { items?: { type: string; rows?: { cells: { items: { text: string }[] }[] }[] }[] }[])
    .flatMap((c) => (c.items ?? []).filter((i) => i.type === 'Table'))
    .map((t) => t.rows!.map((r) => r.cells.map((cell) => cell.items[0]!.text)));

/** Each section's rows shown as label–value lines (a table too wide for a chat card), one string a row. */
const lineRows = (card: AdaptiveCardJson) =>
  (card.body as { items?: Record<string, unknown>[] }[])
    .flatMap((c) => (c.items ?? []).filter((i) => i.type === 'Container' && i.targetWidth === undefined))
    .map((c) => (c.items as { text: string }[]).map((t) => t.text));

describe('the report card', () => {
  it('shows the title, the headers, every row cell by cell, and the notes', () => {
    const card = EXAMPLES.report!;
    const text = JSON.stringify(card);
    expect(text).toContain('Central record review, 1 Jul 2026 to 30 Sep 2026');
    expect(tables(card)).toEqual([
      [
        ['Section', 'Measure', 'Value'],
        ['Raised', 'Total', '4'],
        ['Resolved', 'Mean days to resolve', '2.5'],
        ['Feedback', 'Still awaited', ''],
      ],
    ]);
    expect(JSON.stringify(EXAMPLES['report (empty)'])).toContain('Nothing to report.');
    expect(tables(EXAMPLES['report (empty)']!)).toEqual([]);
  });

  it(`cuts a long report to ${MAX_REPORT_CARD_ROWS} rows, says so, and escapes what people wrote`, () => {
    const card = EXAMPLES['report (300 rows, cut to fit)']!;
    // Seven columns do not fit a chat card's width without breaking words: each row is label–value lines.
    expect(tables(card)).toEqual([]);
    const [rows] = lineRows(card);
    expect(rows).toHaveLength(MAX_REPORT_CARD_ROWS);
    expect(rows![0]!.split('\n')[0]).toBe('Name: \\*\\*Person\\*\\* \\[0\\](https://evil.example)');
    const text = JSON.stringify(card);
    expect(text).toContain(`Showing ${MAX_REPORT_CARD_ROWS} of 300 rows. The full list: npm run cli -- training overdue --out overdue.xlsx`);
    expect(text).toContain('Named list: for HR and administrators only');
  });

  it('stays within Teams’ budget, counted in UTF-16, when every cell is as long as an import allows', () => {
    const huge = 'x'.repeat(10_000);
    const card = reportCard({ ...LONG_REPORT, title: huge, rows: LONG_REPORT.rows.map((r) => r.map(() => huge)) });
    expect(cardSizeUtf16(card)).toBeLessThanOrEqual(MAX_CARD_UTF16_BYTES);
    expect(validationEvents(card)).toEqual([]);
    const [rows] = lineRows(card);
    expect(rows!.length).toBeGreaterThan(1);
    expect(rows![0]).toMatch(/^Name: x+…\n/);
    expect(JSON.stringify(card)).toMatch(new RegExp(`Showing ${rows!.length} of 300 rows`));
  });

  it('fits as many rows as Teams’ budget allows, measured not estimated: text outside Latin-1 counts as much as ASCII', () => {
    // In UTF-8 a Welsh or Arabic name costs more than in UTF-16; in UTF-16 both cost two bytes a character.
    const names = (c: string) => reportCard({ ...LONG_REPORT, rows: LONG_REPORT.rows.map((r) => r.map(() => c.repeat(290))) });
    const ascii = names('w');
    const welsh = names('ŵ');
    expect(cardSizeUtf16(ascii)).toBeLessThanOrEqual(MAX_CARD_UTF16_BYTES);
    expect(cardSizeUtf16(welsh)).toBeLessThanOrEqual(MAX_CARD_UTF16_BYTES);
    expect(lineRows(welsh)[0]!.length).toBe(lineRows(ascii)[0]!.length);
    expect(lineRows(ascii)[0]!.length).toBeLessThan(MAX_REPORT_CARD_ROWS);
    // Nearly full: one row more would not have fitted.
    expect(cardSizeUtf16(ascii)).toBeGreaterThan(MAX_CARD_UTF16_BYTES - 2 * 2000);
  });

  it('renders a report of several sections one after another, the row limit counted across them', () => {
    const card = EXAMPLES['report in sections']!;
    expect(tables(card).map((t) => t[0])).toEqual([
      ['Agency', 'Blue', 'Green', 'Amber', 'Red'],
      ['Agency', '% within validity'],
    ]);
    const many = reportCard([LONG_REPORT, { ...LONG_REPORT, title: 'Second' }]);
    expect(lineRows(many).map((t) => t.length)).toEqual([MAX_REPORT_CARD_ROWS]);
    expect(JSON.stringify(many)).toContain(`Showing ${MAX_REPORT_CARD_ROWS} of 600 rows.`);
  });

  it('weights columns by header and content, so no word is cut at 500 px ("Actions", "Red")', () => {
    const plan: Report = {
      title: 'Plan by agency',
      headers: ['Agency', 'Actions', 'Blue', 'Green', 'Amber', 'Red', 'Not rated'],
      rows: [
        ['Children’s Services', 42, 3, 30, 6, 3, 0],
        ['Thames Valley Police', 12, 1, 10, 1, 0, 0],
      ],
    };
    const widths = columnWidths(
      plan.headers,
      plan.rows.map((r) => r.map(String)),
    )!;
    const total = widths.reduce((a, b) => a + b, 0);
    // The card's text width at 500 px (468 px) shared by weight; each column must hold its longest word (7 px a character, 16 px padding).
    plan.headers.forEach((h, c) => {
      const longest = Math.max(...[h, ...plan.rows.map((r) => String(r[c]))].flatMap((t) => t.split(/\s+/)).map((w) => w.length));
      expect((468 * widths[c]!) / total).toBeGreaterThanOrEqual(longest * 7 + 16);
    });
    // The header counts: a column of one-digit counts under "Not rated" is as wide as its header.
    expect(widths[6]).toBeGreaterThan(widths[2]!);
    const card = reportCard(plan);
    expect(tables(card)[0]![0]).toEqual(plan.headers);
  });

  it('shows a table on a standard-width card and the same rows as label–value lines on a narrow one', () => {
    const card = EXAMPLES['report in sections']!;
    const sections = (card.body as { items: Record<string, unknown>[] }[]).map((s) => s.items);
    expect(sections[0]!.find((i) => i.type === 'Table')).toMatchObject({ targetWidth: 'atLeast:standard' });
    const narrow = sections[0]!.find((i) => i.targetWidth === 'atMost:narrow') as { items: { text: string }[] };
    expect(narrow.items.map((i) => i.text)).toEqual([
      'Agency: Council\nBlue: 3\nGreen: 10\nAmber: 2\nRed: 1',
      'Agency: Police\nBlue: 1\nGreen: 4\nAmber: 0\nRed: 0',
    ]);
  });
});

describe('user text in cards', () => {
  it('puts plan text in plain TextRuns, so markdown links and emphasis show literally', () => {
    const json = JSON.stringify(updateFormCard(action()));
    expect(json).toContain('{"type":"TextRun","text":"Further develop and *implement* [safeguarding](https://evil.example) training for councillors."}');
  });
  it('escapes markdown wherever text goes into a TextBlock or FactSet', () => {
    expect(md('[click](https://evil.example) *now*')).toBe('\\[click\\](https://evil.example) \\*now\\*');
    expect(md('1. not a list\n- nor this; but 2.5 and a-b stay')).toBe('1\\. not a list\n\\- nor this; but 2.5 and a-b stay');
    const json = JSON.stringify(welcomeCard('**Boss** [x](y)', true, 1));
    expect(json).toContain('Welcome, \\\\*\\\\*Boss\\\\*\\\\* \\\\[x\\\\](y)');
  });
  it('keeps a submitted value in the form and shows the error next to its field', () => {
    const card = updateFormCard(action(), {
      values: { status: 'R', progress: 'kept text', evidence: '', reason: 'why', remedialAction: '', revisedDueDate: '' },
      issues: [{ field: 'remedialAction', message: 'Red needs the remedial action being taken.' }],
    });
    const body = card.body as Record<string, unknown>[];
    const remedialAt = body.findIndex((b) => b.id === 'remedialAction');
    // Marked by a symbol and bold text, not by colour alone.
    expect(body[remedialAt + 1]).toMatchObject({ type: 'TextBlock', text: '⚠ Red needs the remedial action being taken.', weight: 'Bolder' });
    expect(body[remedialAt + 1]).not.toHaveProperty('color');
    expect(body.find((b) => b.id === 'progress')).toMatchObject({ value: 'kept text' });
    expect(body.find((b) => b.id === 'status')).toMatchObject({ value: 'R' });
  });
  it('a digest line shows Update and each snooze choice, and who the covering delegate stands in for', () => {
    const json = JSON.stringify(EXAMPLES['reminder digest']);
    // Update is the line's button; the snooze choices wait in its overflow menu.
    expect(json).toContain('{"type":"Action.Execute","title":"Update LP2.1","verb":"action.open","data":{"actionId":"a2"},"style":"positive"}');
    expect(json).toContain('{"type":"Action.Execute","title":"Snooze 3 days","verb":"action.snooze","data":{"actionId":"a2","days":3},"mode":"secondary"}');
    expect(json).toContain('Covering for Jennifer Kotilaine');
    // A digest from before paging (no outbox id) counts the rest and points to "my actions".
    expect(JSON.stringify(EXAMPLES['reminder digest (60 lines, cut to fit)'])).toContain('…and 55 more. Type **my actions**');
  });
  it('a questionnaire page keeps answers from other pages in the card and shows each problem under its question', () => {
    const card = EXAMPLES['questionnaire page 1 of 2 with an error']!;
    const json = JSON.stringify(card);
    expect(json).toContain('Page 1 of 2');
    expect(json).toContain('"text":"⚠ Please answer this question.","weight":"Bolder"');
    expect(json).toContain('"id":"q_confidence"');
    expect(json).toMatch(/"value":"quite"/);
    const page2 = JSON.stringify(EXAMPLES['questionnaire page 2 of 2, changing answers']);
    expect(page2).toContain('"isMultiSelect":true');
    expect(page2).toContain('"title":"Save changes"');
    expect(page2).toContain('"carried":"{}"');
    expect(JSON.stringify(EXAMPLES['questionnaire saved'])).toContain(`"answerKey":"${KEY}"`);
  });
  it('a questionnaire page shows each question’s text once, as its input’s label', () => {
    const text = JSON.stringify(
      surveyCard({ kind: 'page', campaign: CAMPAIGN, questionnaire: AWARENESS, page: 0, raw: {}, answerKey: KEY, issues: [], changing: false }),
    );
    for (const q of AWARENESS.questions.slice(0, 5)) {
      expect(text.split(q.text.replace(/"/g, '\\"')).length - 1).toBe(1);
    }
  });

  it('an acknowledged escalation’s card no longer offers Acknowledge, but still offers the other steps', () => {
    const alert = (acknowledged: boolean) =>
      JSON.stringify(
        renderMessage({
          kind: 'escalation-alert',
          escalationId: 'esc-1',
          heading: 'Action rated Red (stage 1: Practitioner)',
          role: 'act',
          acknowledged,
          stage: '1 of 4',
          deadline: '2026-11-27',
          summary: 'LP1.1 was rated Red',
          facts: [],
        }),
      );
    expect(alert(false)).toMatch(/"verb":"esc\.acknowledge"/);
    expect(alert(true)).not.toMatch(/esc\.acknowledge/);
    expect(alert(true)).toMatch(/"verb":"esc\.resolve"/);
  });

  it('results hide a group of four and escape what people wrote', () => {
    const json = JSON.stringify(EXAMPLES['questionnaire results']);
    const [rows] = tables(EXAMPLES['questionnaire results']!);
    expect(rows).toContainEqual(['Breakdown', 'Department: Legal', 'hidden: fewer than 5 responses', '', '']);
    expect(json).toContain('Safeguarding awareness survey \\\\*2026\\\\*');
    expect(rows).toContainEqual(['Immediate vs follow-up', 'How confident?', 'Very confident', '45.5%', '66.7%']);
  });
  it('an anonymous breakdown says which rule hid a group: too few responses, or giving a smaller group away by subtraction', () => {
    // Children’s Services 6, Legal 5, Housing 2: Housing is too small; showing Legal too would give Housing away (all minus the two shown).
    const entries = [...Array(6).fill('Children’s Services'), ...Array(5).fill('Legal'), 'Housing', 'Housing'].map((department, i) => ({
      ...ENTRIES[0]!,
      key: `key:${i}`,
      department,
    }));
    const card = resultsCard({
      campaign: { ...CAMPAIGN, status: 'closed' },
      questionnaire: AWARENESS,
      invited: 13,
      responded: 13,
      responseRate: 100,
      writtenWithheld: false,
      questions: questionResults(AWARENESS, entries),
      highlights: highlightResults(AWARENESS, entries),
      breakdowns: groupResults(AWARENESS, entries, { complementary: true }),
    });
    const rows = tables(card)[0]!.filter((r) => r[0] === 'Breakdown' && r[1]!.startsWith('Department'));
    expect(rows).toContainEqual(['Breakdown', 'Department: Housing', 'hidden: fewer than 5 responses', '', '']);
    expect(rows).toContainEqual(['Breakdown', 'Department: Legal', 'hidden: would reveal a group of fewer than 5 by subtraction', '', '']);
    expect(rows).toContainEqual(['Breakdown', 'Department: Children’s Services', 'Responses', '6', '']);
  });

  it('the 200-action list shows a page of 5 and offers the next 5', () => {
    const json = JSON.stringify(EXAMPLES['my actions (200, paged)']);
    expect(json).toContain('Showing 1–5 of 200.');
    expect(json).toContain('{"type":"Action.Execute","title":"Show 5 more","verb":"myActions.show","data":{"page":1}}');
  });
});

it('every card template, the kernel’s and each feature’s, is known here, wherever its folder', () => {
  expect(templateFiles().map(underCards)).toEqual([
    'actions/templates/action-summary.json',
    'actions/templates/action-update.json',
    'actions/templates/my-actions.json',
    'actions/templates/reminder-digest.json',
    'escalations/templates/escalation-alert.json',
    'escalations/templates/escalation-list.json',
    'escalations/templates/raise-concern.json',
    'reviews/templates/impact-check.json',
    'rounds/templates/round-summary.json',
    'section11/templates/return.json',
    'section11/templates/review-list.json',
    'section11/templates/standard.json',
    'surveys/templates/questionnaire-invite.json',
    'surveys/templates/questionnaire-page.json',
    'surveys/templates/questionnaire-saved.json',
    'surveys/templates/survey-list.json',
    'templates/facts.json',
    'templates/help.json',
    'templates/notice.json',
    'templates/personal-pointer.json',
    'templates/report.json',
    'templates/welcome.json',
    'training/templates/training-report.json',
    'training/templates/training-verify.json',
  ]);
  // The kernel's renderer holds only the shared cards; a feature's are its own.
  expect(Object.keys(CARD_TEMPLATES).sort()).toEqual(['facts', 'help', 'notice', 'personal-pointer', 'report', 'welcome']);
  expect(renderCard('notice', { title: 't', text: 'x', code: '' }).type).toBe('AdaptiveCard');
  // A link anywhere but Teams' deep link to the bot's chat is refused, whatever the data says.
  expect(() => renderCard('personal-pointer', { heading: 'h', text: 't', hasFacts: false, facts: [], url: 'https://evil.example/l/chat' })).toThrow(
    /allow-list/,
  );
});

describe('a round summary', () => {
  const summary = {
    kind: 'round-summary' as const,
    roundId: 'r',
    heading: 'Open update round',
    dueBy: '2026-12-04',
    responded: ['Val Johnson'],
    outstanding: [],
    unreachable: [],
  };

  it('says when its figures were taken in the organisation’s time zone, not London’s', () => {
    const text = JSON.stringify(renderMessage({ ...summary, asAt: '2026-11-23T09:00:00Z', timeZone: 'America/New_York' }));
    expect(text).toContain('23 Nov 2026 at 04:00');
    expect(text).not.toContain('at 09:00');
  });

  it('one queued before summaries carried their time zone still shows London time, as it did', () => {
    expect(JSON.stringify(renderMessage({ ...summary, asAt: '2026-07-01T09:00:00Z' }))).toContain('1 Jul 2026 at 10:00');
  });
});
