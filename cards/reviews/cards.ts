import type { FieldIssue } from '../../services/core/errors';
import { formatDate } from '../../services/core/dates';
import type { EmailHelpers } from '../../services/kernel/message-kinds';
import { md, renderFeatureCard, type AdaptiveCardJson } from '../render';
import impactCheckTemplate from './templates/impact-check.json';

/** The impact check's content as the outbox keeps it (services/reviews builds it; see ImpactCheckMessage). */
export type ImpactCheckView = {
  checkId: string;
  version: number;
  heading: string;
  intro: string;
  facts: { title: string; value: string }[];
  figures: string[];
  chaser: number;
};

/** What an answered check shows instead of its form. */
export type AnsweredView = { by: string; at: string; measure: string; outcome: string; changed: string; evidence: string[] };

const FIELDS = ['changed', 'evidence', 'measure', 'outcomeRag'] as const;

/**
 * The owner's impact check card: the recommendation, its outcome and measure, the measure's
 * questionnaire figures, and the answer form (or, once answered, the answer). Every text comes
 * from people or files, so all of it is escaped.
 */
export function impactCheckCard(
  view: ImpactCheckView,
  options: { notice?: string; values?: Record<string, unknown>; issues?: FieldIssue[]; answered?: AnsweredView } = {},
): AdaptiveCardJson {
  const errors = Object.fromEntries(FIELDS.map((f) => [f, md(options.issues?.find((i) => i.field === f)?.message ?? '')]));
  const values = Object.fromEntries(FIELDS.map((f) => [f, typeof options.values?.[f] === 'string' ? (options.values[f] as string) : '']));
  const a = options.answered;
  return renderFeatureCard('reviews.impact-check', impactCheckTemplate, {
    checkId: view.checkId,
    version: String(view.version),
    heading: md(view.heading),
    intro: md(view.intro),
    notice: md(options.notice ?? ''),
    facts: view.facts.map((f) => ({ title: md(f.title), value: md(f.value) })),
    figures: view.figures.map((line) => ({ line: md(line) })),
    answered: !!a,
    answer: a
      ? md(
          `Answered ${a.at} by ${a.by}. Measure: ${a.measure}. Outcome: ${a.outcome}. What changed: ${a.changed}${a.evidence.length ? ` Evidence: ${a.evidence.join(' ')}` : ''}`,
        )
      : '',
    values,
    errors,
  });
}

/** The impact check by email, for owners reached that way: what is asked, and to answer in Teams. */
export function impactCheckEmail(view: ImpactCheckView, h: EmailHelpers): { subject: string; body: string } {
  const facts = view.facts.map((f) => `<tr><th align="left">${h.html(f.title)}</th><td>${h.html(f.value)}</td></tr>`).join('');
  const figures = view.figures.length ? `<p><b>The measure’s questionnaire</b></p><ul>${view.figures.map((l) => `<li>${h.html(l)}</li>`).join('')}</ul>` : '';
  return { subject: view.heading.slice(0, 200), body: `<p>${h.html(view.intro)}</p><table>${facts}</table>${figures}${h.reply('answer the impact check')}` };
}

export const answeredOn = (iso: string) => formatDate(iso.slice(0, 10));
