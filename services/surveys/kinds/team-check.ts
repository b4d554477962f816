import { mayAnswerForTeam } from '../../access/policy';
import { formatDate } from '../../core/dates';
import { pct } from '../../core/figures';
import type { Report } from '../../core/report';
import { fixedAnswers } from '../answers';
import type { Answer, AnswerEntry, CampaignResults, Highlight, Question, QuestionnaireDefinition, QuestionnaireKind, ResultsDetail } from '../model';

const SUPERVISION = [
  { value: 'every-session', label: 'In every supervision' },
  { value: 'monthly', label: 'At least monthly' },
  { value: 'less-often', label: 'Less often than monthly' },
  { value: 'not-yet', label: 'Not yet' },
];

/**
 * The built-in team check: what a team's manager can say for the whole team in five minutes, each
 * headline one the board asks of every team (know the safeguarding lead, training in date,
 * safeguarding in supervision at least monthly, concerns followed up).
 */
export const TEAM_CHECK: QuestionnaireDefinition = {
  key: 'team-check',
  version: 1,
  title: 'Team safeguarding check',
  intro: 'One answer for your whole team, from its manager. Seven questions; say what is true today, not what should be.',
  pageSize: 7,
  questions: [
    {
      id: 'lead-known',
      type: 'yes-no',
      text: 'Does everyone in the team know who their designated safeguarding lead is and how to reach them?',
      required: true,
    },
    { id: 'training-in-date', type: 'yes-no', text: 'Is everyone in the team’s safeguarding training in date?', required: true },
    {
      id: 'supervision',
      type: 'single',
      text: 'How often is safeguarding discussed in the team’s supervision?',
      required: true,
      options: SUPERVISION,
    },
    {
      id: 'procedures-reviewed',
      type: 'yes-no',
      text: 'Has the team gone through the partnership’s current safeguarding procedures in the last 12 months?',
      required: true,
    },
    { id: 'escalation-known', type: 'yes-no', text: 'Does the team know how to escalate a disagreement with another agency about a case?', required: true },
    {
      id: 'concerns-followed-up',
      type: 'single',
      text: 'Were the concerns the team raised in the last three months recorded and followed up?',
      required: true,
      options: [
        { value: 'all', label: 'All of them' },
        { value: 'most', label: 'Most of them' },
        { value: 'some', label: 'Some or none' },
        { value: 'none-raised', label: 'None were raised' },
      ],
    },
    {
      id: 'help-needed',
      type: 'text',
      text: 'What would help the team most? (no names or case details)',
      required: false,
      maxLength: 500,
    },
  ],
  highlights: [
    { label: 'Teams that know their safeguarding lead', question: 'lead-known', values: ['yes'] },
    { label: 'Teams with all training in date', question: 'training-in-date', values: ['yes'] },
    { label: 'Teams discussing safeguarding in supervision at least monthly', question: 'supervision', values: ['every-session', 'monthly'] },
    { label: 'Teams whose concerns were all followed up', question: 'concerns-followed-up', values: ['all', 'none-raised'] },
  ],
};

/** An answer as people read it: an option's label, a date in words, or the text written. */
function shown(q: Question, answer: Answer | undefined): string {
  if (answer === undefined) return '(not answered)';
  if (q.type === 'date') return formatDate(String(answer));
  const labels = new Map(fixedAnswers(q).map((o) => [o.value, o.label]));
  return (Array.isArray(answer) ? answer : [String(answer)]).map((v) => labels.get(v) ?? v).join(', ');
}

const meets = (h: Highlight, entry: AnswerEntry) => {
  const given = entry.answers[h.question];
  return given !== undefined && (Array.isArray(given) ? given : [String(given)]).some((v) => h.values.includes(v));
};

/**
 * A team check's results, team by team, named: each team's answer with who gave it (the export: every
 * answer; the card and the tab: how many headlines each team meets), the headlines across the teams
 * that answered, and the teams yet to answer. One answer a team, so there are no groups to suppress.
 */
function teamCheckReport(r: CampaignResults, options: ResultsDetail): Report {
  const units = r.byUnit ?? [];
  const answered = units.filter((u) => u.entry).length;
  const rows: string[][] = r.highlights.map((h) => ['All teams', h.label, `${h.count} of ${h.of} teams`, `${h.pct}%`]);
  for (const { unit, entry } of units) {
    if (!entry) {
      rows.push([unit.label, 'Not answered yet', '', '']);
      continue;
    }
    const by = entry.by ? `answered by ${entry.by.name}` : '';
    if (options.detail === 'summary') {
      const met = r.questionnaire.highlights.filter((h) => meets(h, entry)).length;
      rows.push([unit.label, 'Headlines met', `${met} of ${r.questionnaire.highlights.length}`, by]);
    } else for (const q of r.questionnaire.questions) rows.push([unit.label, q.text, shown(q, entry.answers[q.id]), by]);
  }
  return {
    title: `Results of "${r.campaign.title}"`,
    headers: ['Team', 'Question', 'Answer', 'Detail'],
    rows,
    notes: [
      `${answered} of ${units.length} teams answered (${pct(answered, units.length)}%). ${r.campaign.status === 'closed' ? 'Closed' : `Open until ${formatDate(r.campaign.closesOn)}`}; named: each team’s answer says who gave it.`,
    ],
  };
}

/**
 * A team check: one named answer per team (a department, within its agency), given by any of the
 * team's managers or heads of service and changeable by any of them until it closes. It tells the
 * partnership which teams have the basics in place without asking every practitioner, beside the
 * staff questionnaire (what staff say, often anonymously) and Section 11 (each agency's evidenced return).
 */
export const teamCheck = {
  name: 'team-check',
  label: 'team check',
  whoAnswers: 'the managers and heads of service of each team, one answer a team',
  builtIn: [TEAM_CHECK],
  audiences: ['everyone', 'department'],
  anonymity: 'never',
  asked: (people) => people.filter((p) => mayAnswerForTeam(p) && !!p.department?.trim()),
  answersFor: (asked) =>
    asked.department
      ? { key: `${asked.agency}\u0000${asked.department}`, label: asked.agency ? `${asked.department} (${asked.agency})` : asked.department }
      : undefined,
  mayAnswer: mayAnswerForTeam,
  cardNote: (unit) => (unit ? `One answer for the whole team (${unit.label}): any of its managers may change it until it closes. Named.` : ''),
  results: teamCheckReport,
} satisfies QuestionnaireKind;
