import * as AC from 'adaptivecards';
import { CARD_TEMPLATES, cardSizeUtf16, MAX_CARD_UTF16_BYTES, md, OPEN_URL_ALLOW_LIST, renderCard, type AdaptiveCardJson } from '../../cards/render';
import { renderMessage } from '../../cards/messages';
import { commandHelpCard } from '../../bot/card-routes';
import { errorCard, escalationListCard, factsCard, personalPointerCard, raiseConcernCard, trainingReportCard, trainingVerifyCard, myActionsCard, noticeCard, summaryCard, updateFormCard, welcomeCard } from '../../cards/views';
import { AppError } from '../../services/core/errors';
import { surveyCard, surveyListCard } from '../../cards/survey-views';
import { columnWidths, MAX_REPORT_CARD_ROWS, reportCard } from '../../cards/report-card';
import { AWARENESS_SURVEY, FOLLOW_UP_SURVEY } from '../../services/surveys/builtin';
import { questionnaireSchema, type AnswerEntry, type Campaign, type Questionnaire } from '../../services/surveys/model';
import { groupResults, highlightResults, questionResults, resultsReport, type CampaignResults } from '../../services/surveys/results';
import type { Report } from '../../services/core/report';
import type { Action } from '../../services/plan/model';

/** Teams' responsive layout widths (`targetWidth`), which the 1.5 library does not check. */
const TEAMS_TARGET_WIDTHS = ['veryNarrow', 'narrow', 'standard', 'wide', ...['veryNarrow', 'narrow', 'standard', 'wide'].flatMap((w) => [`atLeast:${w}`, `atMost:${w}`])];

/** A day in the plan's year: the fixture action, due 31 Oct 2015, is overdue on it. */
const TODAY = '2015-11-20';

function action(overrides: Partial<Action> = {}): Action {
  return {
    id: 'action-plan-abc',
    orgId: 'demo',
    planId: 'action-plan',
    importKey: 'abc',
    ref: 'LP2.3',
    learningPoint: 2,
    description: 'Further develop and *implement* [safeguarding](https://evil.example) training for councillors.',
    evidence: 'Review of Councillor training materials.',
    due: { dates: ['2015-10-31'], ongoing: { cadence: 'monthly' }, text: 'Before October 2015' },
    ongoing: true,
    leads: [{ name: 'Val Johnson', personId: 'p1' }],
    leadIds: ['p1'],
    status: 'A',
    progress: 'Dates in progress of being arranged.',
    version: 3,
    history: [{ id: 'h1', at: '2026-11-20T10:00:00Z', by: { personId: 'p1', name: 'Val Johnson' }, source: 'teams', fromVersion: 2, previousStatus: 'G', status: 'A', progress: 'Delayed', reason: 'Venue', remedialAction: 'New venue' }],
    imported: { status: 'G', progress: '', rowNumber: 5 },
    open: true,
    nextDueDate: '2015-10-31',
    updatedAt: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

const questionnaireOf = (d: unknown): Questionnaire => ({ ...questionnaireSchema.parse(d), id: 'q', orgId: 'demo', kind: 'questionnaire', builtIn: true, addedAt: '' });
const AWARENESS = questionnaireOf(AWARENESS_SURVEY);
const FOLLOW_UP = questionnaireOf(FOLLOW_UP_SURVEY);
const CAMPAIGN: Campaign = {
  id: 'campaign-2026-11-23-abcd1234',
  orgId: 'demo',
  kind: 'campaign',
  title: 'Safeguarding awareness survey *2026*',
  questionnaire: { key: 'awareness', version: 1 },
  audience: { type: 'everyone' },
  anonymous: true,
  sendAt: '2026-11-23T09:00:00Z',
  closesOn: '2026-12-04',
  maxChasers: 2,
  chaserEveryWorkingDays: 3,
  status: 'open',
  createdBy: { personId: 'hr', name: 'Simon Howick' },
  createdAt: '2026-11-23T09:00:00Z',
  invited: 12,
};
const ENTRIES: AnswerEntry[] = Array.from({ length: 11 }, (_, i) => ({
  key: `key:${i}`,
  department: i < 7 ? 'Children’s Services' : 'Legal',
  jobTitle: 'Social Worker',
  answers: { 'know-how-to-report': 'yes', 'aware-of-procedures': i < 9 ? 'yes' : 'no', confidence: i < 5 ? 'very' : 'quite', 'know-dso-name': 'yes', 'last-trained': 'within-12-months', ...(i === 0 ? { comments: 'More *sessions*' } : {}) },
}));
const KEY = 'k'.repeat(32);

const resultsCard = (r: CampaignResults) => reportCard(resultsReport(r, { detail: 'summary' }), `Full results: npm run cli -- survey results ${r.campaign.id} --format xlsx`);

/** A report as long as a large council's overdue list, with names that try markdown. */
const LONG_REPORT: Report = {
  title: 'Overdue training (300), as at 23 Nov 2026',
  headers: ['Name', 'Department', 'Job title', 'Course', 'Last completed', 'Expired on', 'Booked'],
  rows: Array.from({ length: 300 }, (_, i) => [`**Person** [${i}](https://evil.example)`, 'Children’s Services', 'Social Worker', 'Safeguarding awareness', i % 2 ? '2023-05-12' : null, i % 2 ? '2026-05-12' : 'never done', i % 3 ? null : 'yes']),
  notes: ['Named list: for HR and administrators only; handle it as personal data.'],
};

/** Every card, expanded with fixture data, the way the bot sends them. */
const EXAMPLES: Record<string, AdaptiveCardJson> = {
  welcome: welcomeCard('Val Johnson', true, 4),
  'welcome (not in directory)': welcomeCard('Someone New', false, 0),
  help: commandHelpCard('I did not understand "frobnicate".'),
  'my actions': myActionsCard([action(), action({ id: 'x2', ref: 'LP1.1', status: 'G', nextDueDate: '2099-01-31', ongoing: false })], TODAY),
  'my actions (none)': myActionsCard([], TODAY),
  'my actions (200, paged)': myActionsCard(Array.from({ length: 200 }, (_, i) => action({ id: `a${i}`, ref: `LP1.${i}`, description: 'x'.repeat(900) })), TODAY),
  'my actions (200, page 3)': myActionsCard(Array.from({ length: 200 }, (_, i) => action({ id: `a${i}`, ref: `LP1.${i}`, description: 'x'.repeat(900) })), TODAY, 2),
  'update form': updateFormCard(action()),
  'update form with errors': updateFormCard(action(), {
    values: { status: 'R', progress: 'p', evidence: '', reason: '', remedialAction: '', revisedDueDate: '' },
    issues: [{ field: 'remedialAction', message: 'Red needs the remedial action being taken.' }],
    notice: 'Please check the highlighted answers.',
  }),
  summary: summaryCard(action(), { timeZone: 'Europe/London', canUpdate: true }),
  notice: noticeCard('Done', 'All good.'),
  error: errorCard(new AppError('FORBIDDEN', 'Only the action’s lead can update it.')),
  'reminder digest': renderMessage({
    kind: 'reminder-digest',
    heading: 'Safeguarding actions needing your attention (2)',
    intro: 'Hello Val',
    snoozeChoices: [1, 3, 7],
    lines: [
      { actionId: 'a1', ref: 'LP1.1', description: 'Review *the* plan', why: 'due in 7 working days (30 Nov 2026)', status: 'G' },
      { actionId: 'a2', ref: 'LP2.1', description: 'Train councillors', why: '5 working days overdue', status: 'A', leadName: 'Jennifer Kotilaine' },
    ],
  }),
  'reminder digest (60 lines, cut to fit)': renderMessage({
    kind: 'reminder-digest',
    heading: 'h',
    intro: 'i',
    snoozeChoices: [1, 3, 7],
    lines: Array.from({ length: 60 }, (_, i) => ({ actionId: `a${i}`, ref: `LP1.${i}`, description: 'd'.repeat(900), why: 'due today', status: 'R' as const })),
  }),
  'round summary': renderMessage({ kind: 'round-summary', roundId: 'r', heading: 'Open update round', dueBy: '2026-12-04', responded: ['Val Johnson'], outstanding: ['Tim Sadler'], unreachable: [], asAt: '2026-11-23T09:00:00Z' }),
  'round summary (nobody yet)': renderMessage({ kind: 'round-summary', roundId: 'r', heading: 'Open update round', dueBy: '2026-12-04', responded: [], outstanding: [], unreachable: [], asAt: '2026-11-23T09:00:00Z' }),
  'round summary (seen and not yet seen)': renderMessage({ kind: 'round-summary', roundId: 'r', heading: 'Open update round', dueBy: '2026-12-04', responded: [], outstanding: ['Tim Sadler', 'Val Johnson'], seen: ['Val Johnson'], unreachable: [], asAt: '2026-11-23T09:00:00Z' }),
  'notice message': renderMessage({ kind: 'notice', title: 'Val cannot be reached', text: 'Blocked (403)' }),
  'escalation alert (to act)': renderMessage({
    kind: 'escalation-alert',
    escalationId: 'esc-1',
    role: 'act',
    heading: 'Action turned Red (stage 1: Practitioner to practitioner)',
    stage: '1 of 4',
    deadline: '2026-11-25',
    summary: 'LP2.3 was rated Red',
    facts: [{ title: 'Reference', value: 'ESC-2026-0001' }],
    note: 'Moved up automatically',
  }),
  'escalation alert (for information)': renderMessage({ kind: 'escalation-alert', escalationId: 'esc-1', role: 'inform', heading: 'h', stage: '2 of 4', deadline: '2026-11-25', summary: 's', facts: [] }),
  'message me 1:1 (in a channel)': personalPointerCard('28:7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40'),
  'escalation alert (team channel)': renderMessage({ kind: 'escalation-channel-alert', escalationId: 'esc-1', ref: 'ESC-2026-0001', stage: '2 of 4: Managers and named safeguarding leads', deadline: '2026-11-25', resolved: false }, '28:7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40'),
  'escalation alert (team channel, resolved)': renderMessage({ kind: 'escalation-channel-alert', escalationId: 'esc-1', ref: 'ESC-2026-0001', stage: '2 of 4: Managers', deadline: '2026-11-25', resolved: true }, '7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40'),
  'raise concern form': raiseConcernCard(),
  'raise concern form with errors': raiseConcernCard({ values: { category: 'referral-outcome', asked: 'Call 01865 252209' }, issues: [{ field: 'asked', message: 'This looks like a phone number.' }], notice: 'Remove identifying details' }),
  'escalation list': escalationListCard('Open escalations (1)', [{ id: 'e1', ref: 'ESC-2026-0001', title: 'ESC-2026-0001: Action turned Red', detail: 'Stage 1 of 4' }]),
  'escalation list (none)': escalationListCard('Open escalations (0)', []),
  facts: factsCard('Central record review', [{ title: 'Raised: Total', value: '4' }]),
  report: reportCard({ title: 'Central record review, 1 Jul 2026 to 30 Sep 2026', headers: ['Section', 'Measure', 'Value'], rows: [['Raised', 'Total', 4], ['Resolved', 'Mean days to resolve', 2.5], ['Feedback', 'Still awaited', null]] }),
  'report (empty)': reportCard({ title: 'Overdue training (0), as at 23 Nov 2026', headers: ['Name', 'Course'], rows: [], notes: ['Named list.'] }),
  'report (300 rows, cut to fit)': reportCard(LONG_REPORT, 'The full list: npm run cli -- training overdue --out overdue.xlsx'),
  'report in sections': reportCard([
    { title: 'Plan by agency', headers: ['Agency', 'Blue', 'Green', 'Amber', 'Red'], rows: [['Council', 3, 10, 2, 1], ['Police', 1, 4, 0, 0]] },
    { title: 'Training by agency', headers: ['Agency', '% within validity'], rows: [['Council', '81.2%']], notes: ['Rates only.'] },
  ]),
  'training report form': trainingReportCard([{ code: 'SG-AWARE', name: 'Safeguarding awareness' }, { code: 'PREVENT', name: 'Prevent' }], { values: { courseCode: 'PREVENT' }, issues: [{ field: 'completedOn', message: 'Not in the future.' }] }),
  'training to verify': trainingVerifyCard([{ id: 'r1', title: 'Val Johnson: Prevent', detail: 'Completed 1 Nov 2026' }]),
  'training to verify (none)': trainingVerifyCard([]),
  'questionnaire invitation': renderMessage({ kind: 'questionnaire-invite', campaignId: CAMPAIGN.id, title: CAMPAIGN.title, closesOn: '2026-12-04', anonymous: true, chaser: 0 }),
  'questionnaire chaser (named)': renderMessage({ kind: 'questionnaire-invite', campaignId: CAMPAIGN.id, title: 'Supervision check', closesOn: '2026-12-04', anonymous: false, chaser: 2 }),
  'questionnaire page (one page)': surveyCard({ kind: 'page', campaign: CAMPAIGN, questionnaire: AWARENESS, page: 0, raw: {}, answerKey: KEY, issues: [], changing: false }),
  'questionnaire page 1 of 2 with an error': surveyCard({ kind: 'page', campaign: CAMPAIGN, questionnaire: FOLLOW_UP, page: 0, raw: { confidence: 'quite' }, answerKey: KEY, issues: [{ field: 'practice-change', message: 'Please answer this question.' }], changing: false }),
  'questionnaire page 2 of 2, changing answers': surveyCard({ kind: 'page', campaign: CAMPAIGN, questionnaire: FOLLOW_UP, page: 1, raw: { 'training-useful': '4', 'support-needed': 'supervision,refresher' }, answerKey: KEY, issues: [], changing: true }),
  'questionnaire saved': surveyCard({ kind: 'saved', campaign: CAMPAIGN, answerKey: KEY, changed: false }),
  'questionnaire list': surveyListCard('Questionnaires', [{ campaign: CAMPAIGN, detail: 'Sent to you: not answered yet', canAnswer: true, answered: false, canSeeResults: true }], 'None'),
  'questionnaire list (answered, named)': surveyListCard('Questionnaires', [{ campaign: { ...CAMPAIGN, anonymous: false }, detail: 'Sent to you: you have answered', canAnswer: true, answered: true, canSeeResults: false }], 'None'),
  'questionnaire list (none)': surveyListCard('Questionnaires', [], 'No questionnaire is waiting for you.'),
  'questionnaire results': resultsCard({
    campaign: CAMPAIGN,
    questionnaire: AWARENESS,
    invited: 12,
    responded: 11,
    responseRate: 91.7,
    writtenWithheld: false,
    questions: questionResults(AWARENESS, ENTRIES),
    highlights: highlightResults(AWARENESS, ENTRIES),
    breakdowns: groupResults(AWARENESS, ENTRIES),
    comparison: { immediate: { campaignIds: ['a'], responses: 11 }, followUp: { campaignIds: ['b'], responses: 9 }, rows: [{ questionId: 'confidence', text: 'How confident?', answer: 'Very confident', immediatePct: 45.5, followUpPct: 66.7 }], means: [] },
  }),
  'questionnaire results while an anonymous campaign is open': resultsCard({
    campaign: { ...CAMPAIGN, anonymous: true, status: 'open' },
    questionnaire: AWARENESS,
    withheld: 'open',
    writtenWithheld: true,
    invited: 12,
    responded: 7,
    responseRate: 58.3,
    questions: [],
    highlights: [],
    breakdowns: [],
  }),
};

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
  const bad = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Input.Text', label: 'x' }, { type: 'Blink', text: 'x' }] } as AdaptiveCardJson;
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
  (card.body as { items?: { type: string; rows?: { cells: { items: { text: string }[] }[] }[] }[] }[]).flatMap((c) => (c.items ?? []).filter((i) => i.type === 'Table')).map((t) => t.rows!.map((r) => r.cells.map((cell) => cell.items[0]!.text)));

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
    expect(tables(card).map((t) => t[0])).toEqual([['Agency', 'Blue', 'Green', 'Amber', 'Red'], ['Agency', '% within validity']]);
    const many = reportCard([LONG_REPORT, { ...LONG_REPORT, title: 'Second' }]);
    expect(lineRows(many).map((t) => t.length)).toEqual([MAX_REPORT_CARD_ROWS]);
    expect(JSON.stringify(many)).toContain(`Showing ${MAX_REPORT_CARD_ROWS} of 600 rows.`);
  });

  it('weights columns by header and content, so no word is cut at 500 px ("Actions", "Red")', () => {
    const plan: Report = { title: 'Plan by agency', headers: ['Agency', 'Actions', 'Blue', 'Green', 'Amber', 'Red', 'Not rated'], rows: [['Children’s Services', 42, 3, 30, 6, 3, 0], ['Thames Valley Police', 12, 1, 10, 1, 0, 0]] };
    const widths = columnWidths(plan.headers, plan.rows.map((r) => r.map(String)))!;
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
    expect(narrow.items.map((i) => i.text)).toEqual(['Agency: Council\nBlue: 3\nGreen: 10\nAmber: 2\nRed: 1', 'Agency: Police\nBlue: 1\nGreen: 4\nAmber: 0\nRed: 0']);
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
    const card = updateFormCard(action(), { values: { status: 'R', progress: 'kept text', evidence: '', reason: 'why', remedialAction: '', revisedDueDate: '' }, issues: [{ field: 'remedialAction', message: 'Red needs the remedial action being taken.' }] });
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
    const text = JSON.stringify(surveyCard({ kind: 'page', campaign: CAMPAIGN, questionnaire: AWARENESS, page: 0, raw: {}, answerKey: KEY, issues: [], changing: false }));
    for (const q of AWARENESS.questions.slice(0, 5)) {
      expect(text.split(q.text.replace(/"/g, '\\"')).length - 1).toBe(1);
    }
  });

  it('an acknowledged escalation’s card no longer offers Acknowledge, but still offers the other steps', () => {
    const alert = (acknowledged: boolean) =>
      JSON.stringify(renderMessage({ kind: 'escalation-alert', escalationId: 'esc-1', heading: 'Action rated Red (stage 1: Practitioner)', role: 'act', acknowledged, stage: '1 of 4', deadline: '2026-11-27', summary: 'LP1.1 was rated Red', facts: [] }));
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
  it('the 200-action list shows a page of 5 and offers the next 5', () => {
    const json = JSON.stringify(EXAMPLES['my actions (200, paged)']);
    expect(json).toContain('Showing 1–5 of 200.');
    expect(json).toContain('{"type":"Action.Execute","title":"Show 5 more","verb":"myActions.show","data":{"page":1}}');
  });
});

it('every template in cards/templates is covered by an example above', () => {
  expect(Object.keys(CARD_TEMPLATES).sort()).toEqual([
    'action-summary',
    'action-update',
    'escalation-alert',
    'escalation-list',
    'facts',
    'help',
    'my-actions',
    'notice',
    'personal-pointer',
    'questionnaire-invite',
    'questionnaire-page',
    'questionnaire-saved',
    'raise-concern',
    'reminder-digest',
    'report',
    'round-summary',
    'survey-list',
    'training-report',
    'training-verify',
    'welcome',
  ]);
  expect(renderCard('notice', { title: 't', text: 'x', code: '' }).type).toBe('AdaptiveCard');
  // A link anywhere but Teams' deep link to the bot's chat is refused, whatever the data says.
  expect(() => renderCard('personal-pointer', { heading: 'h', text: 't', hasFacts: false, facts: [], url: 'https://evil.example/l/chat' })).toThrow(/allow-list/);
});
