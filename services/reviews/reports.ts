import { formatDate, today } from '../core/dates';
import { AppError } from '../core/errors';
import { pct } from '../core/figures';
import type { Cell, Report } from '../core/report';
import { oneLine } from '../core/text';
import type { Clock } from '../core/clock';
import { allows, mayViewReviewReport, type Requester } from '../access/policy';
import { partnershipFor } from '../organisation/organisations';
import type { Organisation } from '../organisation/model';
import { RAG_LABELS, type Action, type Rag } from '../plan';
import { ActionPlan } from '../plan';
import type { Store } from '../store/ports';
import {
  MEASURE_LABELS,
  MEASURE_RESULTS,
  OUTCOME_RAG_LABELS,
  REVIEW_KIND_LABELS,
  type ImpactCheck,
  type MeasureResult,
  type Recommendation,
  type Review,
} from './model';
import { ReviewRecords } from './repository';
import { requireReview } from './reviews';

/** `organisation`: when the caller's context holds it (a report's does), it is the partnership too. */
export type ReviewReportDeps = { store: Store; clock: Clock; organisation?: Organisation };

/** A review with, per recommendation, the actions answering it and its impact check: what every report reads. */
export type ReviewProgress = { review: Review; lines: { recommendation: Recommendation; actions: Action[]; check?: ImpactCheck }[] };

const RAGS: Rag[] = ['B', 'G', 'A', 'R', 'NR'];

async function progressOf(store: Store, review: Review): Promise<ReviewProgress> {
  const records = new ReviewRecords(store);
  const [actions, checks] = await Promise.all([new ActionPlan(store).actionsOfReview(review.orgId, review.id), records.checksOf(review.orgId, review.id)]);
  return {
    review,
    lines: review.recommendations.map((recommendation) => ({
      recommendation,
      actions: actions.filter((a) => a.review?.recommendationId === recommendation.id),
      check: checks.find((c) => c.recommendationId === recommendation.id),
    })),
  };
}

/** The reviews a report covers: one by id, or all of them; for the partnership's administrators and business manager. */
export async function reviewsProgress(deps: ReviewReportDeps, input: { orgId: string; requester: Requester; reviewId?: string }): Promise<ReviewProgress[]> {
  const partnership = await partnershipFor(deps, input.orgId);
  if (!allows(input.requester, (actor) => mayViewReviewReport(actor, partnership)))
    throw new AppError('FORBIDDEN', 'Review reports are for the partnership’s administrators and business manager.');
  const reviews = input.reviewId ? [await requireReview(deps.store, input.orgId, input.reviewId)] : await new ReviewRecords(deps.store).allReviews(input.orgId);
  return Promise.all(reviews.map((r) => progressOf(deps.store, r)));
}

const ragCounts = (actions: Action[]) => RAGS.map((r) => actions.filter((a) => a.status === r).length);

/** Where an impact check stands, in words. */
export function checkState(check: ImpactCheck | undefined, asAt: string): string {
  if (!check) return 'No impact check';
  if (check.status === 'answered') return `Answered ${formatDate(check.answer!.at.slice(0, 10))} by ${check.answer!.by.name}`;
  const postponed = check.postponements.at(-1);
  if (check.status === 'waiting')
    return `${check.dueOn > asAt ? 'Due' : 'To be asked'} ${formatDate(check.dueOn)}${postponed ? ` (moved from ${formatDate(postponed.from)}: ${postponed.reason})` : ''}`;
  return `Asked ${formatDate(check.askedOn ?? check.dueOn)}, not yet answered (${check.reminders} reminder${check.reminders === 1 ? '' : 's'})${check.escalationId ? '; escalated' : ''}`;
}

/** How many checks answered each way. */
function measureCounts(progress: ReviewProgress[]): Record<MeasureResult, number> {
  const counts = Object.fromEntries(MEASURE_RESULTS.map((m) => [m, 0])) as Record<MeasureResult, number>;
  for (const p of progress) for (const l of p.lines) if (l.check?.answer) counts[l.check.answer.measure]++;
  return counts;
}

const measureNote = (c: Record<MeasureResult, number>) =>
  `Outcome measures: ${c.met} met, ${c.partly} partly met, ${c['not-met']} not met, ${c['too-early']} too early to tell.`;

/**
 * Per review: each recommendation, its actions' RAG, the impact check's answer, and the outcome
 * measures met, partly met and not met. The one report shape, so the command line, the card and
 * the tab render it with their own renderers.
 */
export async function reviewReport(
  deps: ReviewReportDeps,
  input: { orgId: string; requester: Requester; reviewId?: string; timeZone: string },
): Promise<Report[]> {
  const progress = await reviewsProgress(deps, input);
  const asAt = today(deps.clock, input.timeZone);
  if (progress.length === 0) return [{ title: 'Reviews', headers: ['Review'], rows: [], notes: ['No reviews yet: npm run cli -- review add <file.yaml>'] }];
  return progress.map((p) => ({
    title: `${p.review.title} (${REVIEW_KIND_LABELS[p.review.reviewKind]}, published ${formatDate(p.review.published)})`,
    headers: [
      'Recommendation',
      'Line of enquiry',
      'Outcome',
      'Measure',
      'Owner',
      'Actions',
      ...RAGS.map((r) => RAG_LABELS[r]),
      'Impact check',
      'Measure result',
      'Outcome RAG',
      'What changed',
      'Evidence',
    ],
    rows: p.lines.map(({ recommendation: r, actions, check }): Cell[] => [
      `${r.id} ${r.text}`,
      r.lineOfEnquiry,
      r.outcome,
      r.measure,
      r.owner.name,
      actions.length,
      ...ragCounts(actions),
      checkState(check, asAt),
      check?.answer ? MEASURE_LABELS[check.answer.measure] : null,
      check?.answer ? OUTCOME_RAG_LABELS[check.answer.outcomeRag] : null,
      check?.answer?.changed ?? null,
      check?.answer?.evidenceLinks.join(' ') ?? null,
    ]),
    notes: [
      measureNote(measureCounts([p])),
      `As at ${formatDate(asAt)}. Actions are those of the plan linked to each recommendation; their RAG is the latest update.`,
    ],
  }));
}

/** The board report's section: every review's progress, one line each. */
export async function reviewBoardSection(store: Store, orgId: string, asAt: string): Promise<Report> {
  const reviews = await new ReviewRecords(store).allReviews(orgId);
  const progress = await Promise.all(reviews.map((r) => progressOf(store, r)));
  return {
    title: 'Learning from reviews',
    headers: [
      'Review',
      'Published',
      'Recommendations',
      'Actions',
      '% completed or on target',
      'Impact checks answered',
      'Met',
      'Partly met',
      'Not met',
      'Too early',
    ],
    rows: progress.map((p) => {
      const actions = p.lines.flatMap((l) => l.actions);
      const [blue, green] = ragCounts(actions);
      const c = measureCounts([p]);
      const due = p.lines.filter((l) => l.check && l.check.dueOn <= asAt);
      return [
        p.review.title,
        p.review.published,
        p.lines.length,
        actions.length,
        pct(blue! + green!, actions.length),
        `${p.lines.filter((l) => l.check?.answer).length} of ${due.length} due`,
        c.met,
        c.partly,
        c['not-met'],
        c['too-early'],
      ];
    }),
    notes: ['One line per review: its recommendations’ actions (RAG from the latest updates) and the answers to its 12-month impact checks.'],
  };
}

/** What someone typed, as one sentence: its own closing stop kept, none added twice. */
const sentence = (text: string) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

const STATUS_WORDS: Record<Rag, string> = { B: 'completed', G: 'on target', A: 'at risk', R: 'off track', NR: 'not yet rated' };

/** Each recommendation's three answers for the annual report: what we learned, what we did, what difference it made. */
function appendixLines(
  { recommendation: r, actions, check }: ReviewProgress['lines'][number],
  asAt: string,
): { learned: string; did: string; difference: string } {
  const counts = RAGS.map((rag) => [rag, actions.filter((a) => a.status === rag).length] as const).filter(([, n]) => n > 0);
  const did = actions.length
    ? `${actions.length} action${actions.length === 1 ? '' : 's'} (${counts.map(([rag, n]) => `${n} ${STATUS_WORDS[rag]}`).join(', ')}): ${actions.map((a) => `${a.description} [${RAG_LABELS[a.status]}]`).join('; ')}`
    : 'No actions recorded.';
  const difference = check?.answer
    ? `${MEASURE_LABELS[check.answer.measure]} (${r.measure}). Outcome ${OUTCOME_RAG_LABELS[check.answer.outcomeRag]}. ${sentence(check.answer.changed)}${check.answer.evidenceLinks.length ? ` Evidence: ${check.answer.evidenceLinks.join(' ')}` : ''}`
    : `Not yet known: ${lowerFirst(checkState(check, asAt))}.`;
  return { learned: `${r.text} (${r.lineOfEnquiry}). Intended outcome: ${r.outcome}. Measured by: ${r.measure}.`, did, difference };
}

/**
 * The annual report's appendix, the product's answer to the missing impact data: for every review,
 * what we learned, what we did and what difference it made, recommendation by recommendation.
 * A table (CSV/XLSX through the report renderers) and the same as Markdown for the report's text.
 */
export async function reviewAppendix(
  deps: ReviewReportDeps,
  input: { orgId: string; requester: Requester; timeZone: string; reviewId?: string },
): Promise<{ table: Report; markdown: string }> {
  const progress = await reviewsProgress(deps, input);
  const asAt = today(deps.clock, input.timeZone);
  const rows: Cell[][] = [];
  const md: string[] = [
    `# Learning from reviews: what we learned, what we did, what difference it made`,
    '',
    `As at ${formatDate(asAt)}. ${measureNote(measureCounts(progress))}`,
  ];
  for (const p of progress) {
    md.push(
      '',
      `## ${oneLine(p.review.title)}`,
      '',
      `${REVIEW_KIND_LABELS[p.review.reviewKind]}, published ${formatDate(p.review.published)}. Lines of enquiry: ${p.review.linesOfEnquiry.map(oneLine).join('; ')}.`,
    );
    for (const line of p.lines) {
      const a = appendixLines(line, asAt);
      rows.push([p.review.title, line.recommendation.id, a.learned, a.did, a.difference]);
      md.push(
        '',
        `### ${line.recommendation.id}: ${oneLine(line.recommendation.text)}`,
        '',
        `- **What we learned:** ${oneLine(a.learned)}`,
        `- **What we did:** ${oneLine(a.did)}`,
        `- **What difference it made:** ${oneLine(a.difference)}`,
      );
    }
  }
  if (progress.length === 0) md.push('', 'No reviews have been recorded.');
  return {
    table: {
      title: 'Learning from reviews: annual report appendix',
      headers: ['Review', 'Recommendation', 'What we learned', 'What we did', 'What difference it made'],
      rows,
      notes: [measureNote(measureCounts(progress))],
    },
    markdown: md.join('\n') + '\n',
  };
}
