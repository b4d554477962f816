import { formatDate } from '../../core/dates';
import { MIN_FOR_WRITTEN, MIN_GROUP } from '../../core/figures';
import type { Report } from '../../core/report';
import { BUILT_IN_QUESTIONNAIRES } from '../builtin';
import type { CampaignResults, QuestionnaireKind, ResultsDetail } from '../model';

const RESULT_HEADERS = ['Section', 'Measure', 'Answer', 'Count / immediate', 'Percent / follow-up'];

/**
 * The staff questionnaire's results as the one report shape. `full` (the export) holds every written answer the rules
 * allow and each group's answers question by question; `summary` (the card and the tab) counts
 * written answers without their text and gives each group its response count and headlines.
 * Either way the notes say how many answered and why figures are withheld, if they are.
 */
export function staffResultsReport(r: CampaignResults, options: ResultsDetail): Report {
  const full = options.detail === 'full';
  const rows: string[][] = [
    ['Campaign', '', r.campaign.title, '', ''],
    ['Response', 'Invited', '', String(r.invited), ''],
    ['Response', 'Responded', '', String(r.responded), `${r.responseRate}%`],
  ];
  const notice = r.withheld ? withheldNotice(r) : r.writtenWithheld && r.questions.some((q) => q.writtenCount > 0) ? writtenNotice() : '';
  // A file keeps only rows, so the export says it there too; the card and the tab show the notes.
  if (notice && full) rows.push(['Withheld', notice, '', '', '']);
  for (const h of r.highlights) rows.push(['Headline', h.label, '', `${h.count} of ${h.of}`, `${h.pct}%`]);
  for (const q of r.questions) {
    for (const o of q.options) rows.push(['Question', q.text, o.label, String(o.count), `${o.pct}%`]);
    if (q.mean !== undefined) rows.push(['Question', q.text, 'Mean (1–5)', String(q.mean), '']);
    const written = full ? q.written : [];
    for (const w of written) rows.push(['Written answer', q.text, w, '', '']);
    if (q.writtenCount > written.length)
      rows.push(['Written answers', q.text, q.written.length > written.length ? 'text in the export' : 'withheld', String(q.writtenCount), '']);
  }
  for (const g of r.breakdowns) {
    const label = `${g.by === 'department' ? 'Department' : g.by === 'role' ? 'Role' : 'Agency'}: ${g.group}`;
    if (g.suppressed)
      rows.push([
        'Breakdown',
        label,
        g.hiddenBy === 'subtraction' ? `hidden: would reveal a group of fewer than ${MIN_GROUP} by subtraction` : `hidden: fewer than ${MIN_GROUP} responses`,
        '',
        '',
      ]);
    else {
      rows.push(['Breakdown', label, 'Responses', String(g.responses), '']);
      for (const h of g.highlights) rows.push(['Breakdown', label, h.label, `${h.count} of ${h.of}`, `${h.pct}%`]);
      if (full) for (const q of g.questions) for (const o of q.options) rows.push(['Breakdown', label, `${q.text}: ${o.label}`, String(o.count), `${o.pct}%`]);
    }
  }
  for (const c of r.comparison?.rows ?? []) rows.push(['Immediate vs follow-up', c.text, c.answer, `${c.immediatePct}%`, `${c.followUpPct}%`]);
  for (const m of r.comparison?.means ?? []) rows.push(['Immediate vs follow-up', m.text, 'Mean (1–5)', String(m.immediate), String(m.followUp)]);
  return {
    title: `Results of "${r.campaign.title}"`,
    headers: [...RESULT_HEADERS],
    rows,
    notes: [
      `${r.responded} of ${r.invited} answered (${r.responseRate}%). ${r.campaign.status === 'closed' ? 'Closed' : `Open until ${formatDate(r.campaign.closesOn)}`}${r.campaign.anonymous ? '; anonymous' : ''}.`,
      ...(notice ? [notice] : []),
    ],
  };
}

/** What every surface says when an anonymous campaign's figures are withheld (card, tab, export). */
export function withheldNotice(r: Pick<CampaignResults, 'withheld' | 'campaign'>): string {
  if (r.withheld === 'open') {
    return `Anonymous: only the response rate is shown until it closes (${formatDate(r.campaign.closesOn)}), so nobody’s answers can be worked out from how the figures change.`;
  }
  if (r.withheld === 'too-few') return `Anonymous: fewer than ${MIN_GROUP} answers, so no figures are shown.`;
  return '';
}

export const writtenNotice = () => `Anonymous: written answers are shown from ${MIN_FOR_WRITTEN} answers; until then only how many there are.`;

/**
 * The staff questionnaire, the first kind: sent to people (everyone, a department, a job title, or
 * who completed a course), each answering for themselves, named or anonymous as the sender chooses
 * (anonymous answers wait sealed and are pooled; small groups are suppressed), with follow-ups after
 * a course and immediate-versus-follow-up comparisons.
 */
export const staffQuestionnaire = {
  name: 'staff',
  label: 'staff questionnaire',
  whoAnswers: 'each person asked, for themselves',
  builtIn: BUILT_IN_QUESTIONNAIRES,
  audiences: ['everyone', 'department', 'role', 'course'],
  anonymity: 'chosen',
  asked: (people) => people,
  mayAnswer: () => true,
  results: staffResultsReport,
} satisfies QuestionnaireKind;
