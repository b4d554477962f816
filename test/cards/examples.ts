// Every kind of message but a notice is rendered by the feature module that declares it: the modules are registered first.
import '../../bot/modules';
import type { AdaptiveCardJson } from '../../cards/render';
import { renderMessage } from '../../cards/messages';
import { commandHelpCard } from '../../bot/card-routes';
import { errorCard, factsCard, personalPointerCard, noticeCard, welcomeCard } from '../../cards/views';
import { myActionsCard, summaryCard, updateFormCard } from '../../cards/actions/cards';
import { escalationListCard, raiseConcernCard } from '../../cards/escalations/cards';
import { trainingReportCard, trainingVerifyCard } from '../../cards/training/cards';
import { AppError } from '../../services/core/errors';
import { surveyCard, surveyListCard } from '../../cards/surveys/views';
import { reportCard } from '../../cards/report-card';
import { AWARENESS_SURVEY, FOLLOW_UP_SURVEY } from '../../services/surveys/builtin';
import { questionnaireSchema, type AnswerEntry, type Campaign, type Questionnaire } from '../../services/surveys/model';
import { groupResults, highlightResults, questionResults, resultsReport, type CampaignResults } from '../../services/surveys/results';
import type { Report } from '../../services/core/report';
import type { Action } from '../../services/plan/model';

/* Every card the bot sends, expanded with fixture data: the card tests, the contrast test and the button test all walk these. */
/** A day in the plan's year: the fixture action, due 31 Oct 2015, is overdue on it. */
export const TODAY = '2015-11-20';

export function action(overrides: Partial<Action> = {}): Action {
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
    history: [
      {
        id: 'h1',
        at: '2026-11-20T10:00:00Z',
        by: { personId: 'p1', name: 'Val Johnson' },
        source: 'teams',
        fromVersion: 2,
        previousStatus: 'G',
        status: 'A',
        progress: 'Delayed',
        reason: 'Venue',
        remedialAction: 'New venue',
      },
    ],
    imported: { status: 'G', progress: '', rowNumber: 5 },
    open: true,
    nextDueDate: '2015-10-31',
    updatedAt: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

const questionnaireOf = (d: unknown): Questionnaire => ({
  ...questionnaireSchema.parse(d),
  id: 'q',
  orgId: 'demo',
  kind: 'questionnaire',
  builtIn: true,
  addedAt: '',
});
export const AWARENESS = questionnaireOf(AWARENESS_SURVEY);
export const FOLLOW_UP = questionnaireOf(FOLLOW_UP_SURVEY);
export const CAMPAIGN: Campaign = {
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
export const ENTRIES: AnswerEntry[] = Array.from({ length: 11 }, (_, i) => ({
  key: `key:${i}`,
  department: i < 7 ? 'Children’s Services' : 'Legal',
  jobTitle: 'Social Worker',
  answers: {
    'know-how-to-report': 'yes',
    'aware-of-procedures': i < 9 ? 'yes' : 'no',
    confidence: i < 5 ? 'very' : 'quite',
    'know-dso-name': 'yes',
    'last-trained': 'within-12-months',
    ...(i === 0 ? { comments: 'More *sessions*' } : {}),
  },
}));
export const KEY = 'k'.repeat(32);

export const resultsCard = (r: CampaignResults) =>
  reportCard(resultsReport(r, { detail: 'summary' }), `Full results: npm run cli -- survey results ${r.campaign.id} --format xlsx`);

/** A report as long as a large council's overdue list, with names that try markdown. */
export const LONG_REPORT: Report = {
  title: 'Overdue training (300), as at 23 Nov 2026',
  headers: ['Name', 'Department', 'Job title', 'Course', 'Last completed', 'Expired on', 'Booked'],
  rows: Array.from({ length: 300 }, (_, i) => [
    `**Person** [${i}](https://evil.example)`,
    'Children’s Services',
    'Social Worker',
    'Safeguarding awareness',
    i % 2 ? '2023-05-12' : null,
    i % 2 ? '2026-05-12' : 'never done',
    i % 3 ? null : 'yes',
  ]),
  notes: ['Named list: for HR and administrators only; handle it as personal data.'],
};

/** Every card, expanded with fixture data, the way the bot sends them. */
export const EXAMPLES: Record<string, AdaptiveCardJson> = {
  welcome: welcomeCard('Val Johnson', true, 4),
  'welcome (not in directory)': welcomeCard('Someone New', false, 0),
  help: commandHelpCard('I did not understand "frobnicate".'),
  'my actions': myActionsCard([action(), action({ id: 'x2', ref: 'LP1.1', status: 'G', nextDueDate: '2099-01-31', ongoing: false })], TODAY),
  'my actions (none)': myActionsCard([], TODAY),
  'my actions (200, paged)': myActionsCard(
    Array.from({ length: 200 }, (_, i) => action({ id: `a${i}`, ref: `LP1.${i}`, description: 'x'.repeat(900) })),
    TODAY,
  ),
  'my actions (200, page 3)': myActionsCard(
    Array.from({ length: 200 }, (_, i) => action({ id: `a${i}`, ref: `LP1.${i}`, description: 'x'.repeat(900) })),
    TODAY,
    2,
  ),
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
  'round summary': renderMessage({
    kind: 'round-summary',
    roundId: 'r',
    heading: 'Open update round',
    dueBy: '2026-12-04',
    responded: ['Val Johnson'],
    outstanding: ['Tim Sadler'],
    unreachable: [],
    asAt: '2026-11-23T09:00:00Z',
  }),
  'round summary (nobody yet)': renderMessage({
    kind: 'round-summary',
    roundId: 'r',
    heading: 'Open update round',
    dueBy: '2026-12-04',
    responded: [],
    outstanding: [],
    unreachable: [],
    asAt: '2026-11-23T09:00:00Z',
  }),
  'round summary (seen and not yet seen)': renderMessage({
    kind: 'round-summary',
    roundId: 'r',
    heading: 'Open update round',
    dueBy: '2026-12-04',
    responded: [],
    outstanding: ['Tim Sadler', 'Val Johnson'],
    seen: ['Val Johnson'],
    unreachable: [],
    asAt: '2026-11-23T09:00:00Z',
  }),
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
  'escalation alert (for information)': renderMessage({
    kind: 'escalation-alert',
    escalationId: 'esc-1',
    role: 'inform',
    heading: 'h',
    stage: '2 of 4',
    deadline: '2026-11-25',
    summary: 's',
    facts: [],
  }),
  'message me 1:1 (in a channel)': personalPointerCard('28:7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40'),
  'escalation alert (team channel)': renderMessage(
    {
      kind: 'escalation-channel-alert',
      escalationId: 'esc-1',
      ref: 'ESC-2026-0001',
      stage: '2 of 4: Managers and named safeguarding leads',
      deadline: '2026-11-25',
      resolved: false,
    },
    '28:7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40',
  ),
  'escalation alert (team channel, resolved)': renderMessage(
    { kind: 'escalation-channel-alert', escalationId: 'esc-1', ref: 'ESC-2026-0001', stage: '2 of 4: Managers', deadline: '2026-11-25', resolved: true },
    '7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40',
  ),
  'raise concern form': raiseConcernCard(),
  'raise concern form with errors': raiseConcernCard({
    values: { category: 'referral-outcome', asked: 'Call 01865 252209' },
    issues: [{ field: 'asked', message: 'This looks like a phone number.' }],
    notice: 'Remove identifying details',
  }),
  'escalation list': escalationListCard('Open escalations (1)', [
    { id: 'e1', ref: 'ESC-2026-0001', title: 'ESC-2026-0001: Action turned Red', detail: 'Stage 1 of 4' },
  ]),
  'escalation list (none)': escalationListCard('Open escalations (0)', []),
  facts: factsCard('Central record review', [{ title: 'Raised: Total', value: '4' }]),
  report: reportCard({
    title: 'Central record review, 1 Jul 2026 to 30 Sep 2026',
    headers: ['Section', 'Measure', 'Value'],
    rows: [
      ['Raised', 'Total', 4],
      ['Resolved', 'Mean days to resolve', 2.5],
      ['Feedback', 'Still awaited', null],
    ],
  }),
  'report (empty)': reportCard({ title: 'Overdue training (0), as at 23 Nov 2026', headers: ['Name', 'Course'], rows: [], notes: ['Named list.'] }),
  'report (300 rows, cut to fit)': reportCard(LONG_REPORT, 'The full list: npm run cli -- training overdue --out overdue.xlsx'),
  'report in sections': reportCard([
    {
      title: 'Plan by agency',
      headers: ['Agency', 'Blue', 'Green', 'Amber', 'Red'],
      rows: [
        ['Council', 3, 10, 2, 1],
        ['Police', 1, 4, 0, 0],
      ],
    },
    { title: 'Training by agency', headers: ['Agency', '% within validity'], rows: [['Council', '81.2%']], notes: ['Rates only.'] },
  ]),
  'training report form': trainingReportCard(
    [
      { code: 'SG-AWARE', name: 'Safeguarding awareness' },
      { code: 'PREVENT', name: 'Prevent' },
    ],
    { values: { courseCode: 'PREVENT' }, issues: [{ field: 'completedOn', message: 'Not in the future.' }] },
  ),
  'training to verify': trainingVerifyCard([{ id: 'r1', title: 'Val Johnson: Prevent', detail: 'Completed 1 Nov 2026' }]),
  'training to verify (none)': trainingVerifyCard([]),
  'questionnaire invitation': renderMessage({
    kind: 'questionnaire-invite',
    campaignId: CAMPAIGN.id,
    title: CAMPAIGN.title,
    closesOn: '2026-12-04',
    anonymous: true,
    chaser: 0,
  }),
  'questionnaire chaser (named)': renderMessage({
    kind: 'questionnaire-invite',
    campaignId: CAMPAIGN.id,
    title: 'Supervision check',
    closesOn: '2026-12-04',
    anonymous: false,
    chaser: 2,
  }),
  'questionnaire page (one page)': surveyCard({
    kind: 'page',
    campaign: CAMPAIGN,
    questionnaire: AWARENESS,
    page: 0,
    raw: {},
    answerKey: KEY,
    issues: [],
    changing: false,
  }),
  'questionnaire page 1 of 2 with an error': surveyCard({
    kind: 'page',
    campaign: CAMPAIGN,
    questionnaire: FOLLOW_UP,
    page: 0,
    raw: { confidence: 'quite' },
    answerKey: KEY,
    issues: [{ field: 'practice-change', message: 'Please answer this question.' }],
    changing: false,
  }),
  'questionnaire page 2 of 2, changing answers': surveyCard({
    kind: 'page',
    campaign: CAMPAIGN,
    questionnaire: FOLLOW_UP,
    page: 1,
    raw: { 'training-useful': '4', 'support-needed': 'supervision,refresher' },
    answerKey: KEY,
    issues: [],
    changing: true,
  }),
  'questionnaire saved': surveyCard({ kind: 'saved', campaign: CAMPAIGN, answerKey: KEY, changed: false }),
  'questionnaire list': surveyListCard(
    'Questionnaires',
    [{ campaign: CAMPAIGN, detail: 'Sent to you: not answered yet', canAnswer: true, answered: false, canSeeResults: true }],
    'None',
  ),
  'questionnaire list (answered, named)': surveyListCard(
    'Questionnaires',
    [{ campaign: { ...CAMPAIGN, anonymous: false }, detail: 'Sent to you: you have answered', canAnswer: true, answered: true, canSeeResults: false }],
    'None',
  ),
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
    comparison: {
      immediate: { campaignIds: ['a'], responses: 11 },
      followUp: { campaignIds: ['b'], responses: 9 },
      rows: [{ questionId: 'confidence', text: 'How confident?', answer: 'Very confident', immediatePct: 45.5, followUpPct: 66.7 }],
      means: [],
    },
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
