import { AppError } from '../core/errors';
import { parseDueText, type DueSchedule } from './due-dates';
import type { Table } from '../core/tabular';
import { findIdentifyingText } from '../core/identifying';
import type { Rag } from '../core/rag';

export type { Rag } from '../core/rag';

export type PlanRow = {
  rowNumber: number;
  learningPoint: { number: number; title: string };
  action: string;
  evidence: string;
  due: DueSchedule;
  leads: string[];
  progress: string;
  status: Rag;
  /** The review and recommendation this row's learning point answers, when the file names them. */
  review?: ReviewLink;
  warnings: string[];
};

/** Which review's recommendation a learning point (and its actions) came from. */
export type ReviewLink = { reviewId: string; recommendationId: string };

export type RowProblem = { rowNumber: number; reason: string };

export const PLAN_COLUMNS = ['Learning point', 'Action', 'Evidence', 'Completion date', 'Lead', 'Progress', 'Status', 'Review', 'Recommendation'] as const;
type Column = (typeof PLAN_COLUMNS)[number];

/** The names each column goes by in real plans, compared without case, spaces or punctuation. */
const ALIASES: Record<Column, string[]> = {
  'Learning point': ['learningpoint', 'learningpoints', 'lp'],
  Action: ['action', 'actions'],
  Evidence: ['evidence', 'expectedevidence'],
  'Completion date': ['completiondate', 'duedate', 'due', 'targetdate'],
  Lead: ['lead', 'leads', 'owner', 'owners', 'actionowner'],
  Progress: ['progress', 'progressnote', 'update'],
  Status: ['status', 'statusragrating', 'rag', 'ragstatus', 'ragrating'],
  // Optional: the review (its id) and recommendation a learning point answers.
  Review: ['review', 'reviewid', 'source'],
  Recommendation: ['recommendation', 'recommendationid', 'rec'],
};
const REQUIRED: Column[] = ['Learning point', 'Action', 'Completion date', 'Lead', 'Status'];

const key = (header: string) => header.toLowerCase().replace(/[^a-z]/g, '');

const RAG_WORDS: Record<string, Rag> = { b: 'B', blue: 'B', g: 'G', green: 'G', a: 'A', amber: 'A', r: 'R', red: 'R' };

/** "G-Green", "Green", "G" → G; blank → not yet rated; anything else → null. */
export function parseRag(text: string): Rag | null {
  const t = text.trim().toLowerCase();
  if (t === '') return 'NR';
  const parts = t.split(/[\s\-–/]+/).filter(Boolean);
  const found = new Set(parts.map((p) => RAG_WORDS[p]));
  if (found.size !== 1 || found.has(undefined)) return null;
  return [...found][0]!;
}

/** "Val Johnson/Jennifer Kotilaine", "A, B and C" → one name each. */
export function splitLeads(text: string): string[] {
  return text
    .split(/\s*(?:\/|,|;|&|\band\b)\s*/i)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function learningPointOf(text: string): { number: number; title: string } | undefined {
  const m = text.match(/^(?:learning\s*point|lp)\s*(\d{1,3})\s*[:.\-–]?\s*(.*)$/i);
  return m ? { number: Number(m[1]), title: m[2]!.trim() } : undefined;
}

/**
 * Reads the rows of an imported plan. Blank "Learning point" and "Action" cells continue the row
 * above, as merged cells in the Word plan do. Every data row ends up either in `rows` or in
 * `problems` with the reason; none is dropped or guessed at.
 */
export function parsePlanTable(table: Table): { rows: PlanRow[]; problems: RowProblem[] } {
  const columns = new Map<Column, string>();
  for (const column of PLAN_COLUMNS) {
    const header = table.headers.find((h) => ALIASES[column].includes(key(h)));
    if (header) columns.set(column, header);
  }
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new AppError(
      'IMPORT_FILE_INVALID',
      `The file lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}. Columns found: ${table.headers.map((h) => `"${h}"`).join(', ') || 'none'}. Expected: ${PLAN_COLUMNS.join(', ')}.`,
    );
  }
  const cell = (cells: Record<string, string>, column: Column) => (columns.has(column) ? (cells[columns.get(column)!] ?? '') : '');

  const rows: PlanRow[] = [];
  const problems: RowProblem[] = [];
  let learningPoint: PlanRow['learningPoint'] | undefined;
  let action = '';
  let review: ReviewLink | undefined;
  for (const { rowNumber, cells } of table.rows) {
    const lpText = cell(cells, 'Learning point');
    if (lpText) {
      learningPoint = learningPointOf(lpText);
      action = '';
      review = undefined;
      if (!learningPoint) {
        problems.push({ rowNumber, reason: `Learning point "${lpText.slice(0, 60)}" has no number (write "Learning Point 3: …")` });
        continue;
      }
    }
    if (cell(cells, 'Action')) action = cell(cells, 'Action');
    const reasons: string[] = [];
    if (!learningPoint) reasons.push('no learning point above it');
    // Like the learning point, a blank review cell continues the one above.
    const reviewText = cell(cells, 'Review').trim();
    const recommendationText = cell(cells, 'Recommendation').trim();
    if (reviewText || recommendationText) {
      if (!/^[a-z0-9][a-z0-9-]{2,79}$/.test(reviewText))
        reasons.push(`Review "${reviewText.slice(0, 40)}" is not a review id (lower-case letters, digits and dashes)`);
      else if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/.test(recommendationText))
        reasons.push(`Recommendation "${recommendationText.slice(0, 40)}" is not a recommendation number (R1, 3.2)`);
      else review = { reviewId: reviewText, recommendationId: recommendationText };
    }
    const evidence = cell(cells, 'Evidence');
    if (!action && !evidence) reasons.push('no action and no evidence');
    const leads = splitLeads(cell(cells, 'Lead'));
    if (leads.length === 0) reasons.push('no lead');
    const statusText = cell(cells, 'Status');
    const status = parseRag(statusText);
    if (!status) reasons.push(`Status "${statusText.slice(0, 40)}" is not one of Blue, Green, Amber, Red`);
    const dueText = cell(cells, 'Completion date');
    const due = parseDueText(dueText);
    if (!due.ok) reasons.push(`Completion date "${dueText.slice(0, 60)}": ${due.reason}`);
    if (reasons.length > 0 || !due.ok || !status || !learningPoint) {
      problems.push({ rowNumber, reason: reasons.join('; ') });
      continue;
    }
    // The plan is the organisation's own document, where meeting dates are normal: a warning, not a refusal.
    const identifying = findIdentifyingText({ Action: cell(cells, 'Action'), Evidence: evidence, Progress: cell(cells, 'Progress') }).map(
      (i) => `${i.field} looks like it holds ${i.label}: if it identifies a child, remove it (plan text goes into board reports)`,
    );
    rows.push({
      rowNumber,
      learningPoint,
      action,
      evidence,
      due: due.value,
      leads,
      progress: cell(cells, 'Progress'),
      status,
      ...(review ? { review } : {}),
      warnings: [...due.warnings.map((w) => `Completion date ${w}`), ...identifying],
    });
  }
  return { rows, problems };
}
