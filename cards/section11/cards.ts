import { formatDate } from '../../services/core/dates';
import { featureCards, md, mdName, type AdaptiveCardJson } from '../render';
// The module's own cards read its files directly: its index.ts is its face to other features.
import { NOT_APPLICABLE, SCALES } from '../../services/section11/model';
import type { ReturnOverview, ReturnView, StandardView } from '../../services/section11/returns';
import { ratingLabel } from '../../services/section11/rules';
import type { ReviewList } from '../../services/section11/scrutiny';
import returnTemplate from './templates/return.json';
import standardTemplate from './templates/standard.json';
import reviewListTemplate from './templates/review-list.json';

type Fact = { title: string; value: string };
type Fields = 'rating' | 'naReason' | 'narrative' | 'evidenceLinks' | 'proposedAction' | 'proposedDue' | 'response' | 'comment';

/** What each Section 11 card is expanded with. Text people typed goes through md(). */
export type Section11CardData = {
  return: {
    heading: string;
    detail: string;
    notice: string;
    roundId: string;
    agency: string;
    canSubmit: boolean;
    standards: { standardId: string; roundId: string; agency: string; title: string; status: string; error: string; button: string }[];
    hasSurvey: boolean;
    survey: string;
  };
  standard: {
    position: string;
    title: string;
    prompts: string;
    notice: string;
    carried: boolean;
    editable: boolean;
    canAnswer: boolean;
    canReview: boolean;
    hasScrutiny: boolean;
    roundId: string;
    agency: string;
    standardId: string;
    rev: number;
    ratings: { title: string; value: string }[];
    values: Record<Fields, string>;
    errors: Record<Fields, string>;
    facts: Fact[];
    scrutiny: Fact[];
  };
  'review-list': { heading: string; detail: string; items: { roundId: string; agency: string; name: string; state: string }[] };
};

const render = featureCards<Section11CardData>({ return: returnTemplate, standard: standardTemplate, 'review-list': reviewListTemplate });

const MAX_STEPS_SHOWN = 8;
const STEP_WORDS: Record<string, string> = {
  submitted: 'submitted',
  accepted: 'accepted',
  challenged: 'challenged',
  answered: 'challenge answered',
  revised: 'rating revised',
  'return-accepted': 'return accepted',
};

const FIELDS: Fields[] = ['rating', 'naReason', 'narrative', 'evidenceLinks', 'proposedAction', 'proposedDue', 'response', 'comment'];

function statusOf(view: ReturnOverview, standardId: string): string {
  const a = view.ret.answers[standardId];
  if (!a || (!a.rating && !a.narrative)) return 'Not started';
  const parts = [a.rating ? ratingLabel(view.round.scale, a.rating) : 'Not rated yet'];
  if (a.carriedForward) parts.push('carried forward — confirm or change');
  if (a.scrutiny?.state === 'challenged') parts.push('challenged: answer needed');
  if (a.scrutiny?.state === 'answered') parts.push('challenge answered');
  if (a.scrutiny?.state === 'accepted') parts.push('accepted');
  return parts.join('; ');
}

/** The return: every standard with its state, a button to open each, and Submit while it is the agency's to submit. */
export function returnCard(view: ReturnOverview, survey = ''): AdaptiveCardJson {
  const issues = new Map(view.issues.map((i) => [i.field, i.message]));
  const state =
    view.ret.status === 'in-progress'
      ? `In progress; due by ${formatDate(view.round.closesOn)}`
      : view.ret.status === 'submitted'
        ? `Submitted ${view.ret.submittedAt ? formatDate(view.ret.submittedAt.slice(0, 10)) : ''} by ${view.ret.submittedBy?.name ?? ''}`
        : 'Accepted';
  const editable = view.access.complete && view.ret.status === 'in-progress' && view.round.status === 'open';
  return render('return', {
    heading: md(`Section 11 ${view.round.year}: ${view.agencyName}’s return`),
    detail: md(`${state}.${view.round.challengeEventOn ? ` Challenge event ${formatDate(view.round.challengeEventOn)}.` : ''}`),
    notice: md(view.notice),
    roundId: view.round.id,
    agency: view.ret.agency,
    canSubmit: editable,
    standards: view.set.standards.map((s, i) => ({
      standardId: s.id,
      roundId: view.round.id,
      agency: view.ret.agency,
      title: md(`${i + 1}. ${s.title}`),
      status: md(statusOf(view, s.id)),
      error: md(issues.get(s.id) ?? ''),
      button: editable ? 'Open' : view.access.scrutinise && view.ret.status === 'submitted' ? 'Review' : 'Read',
    })),
    hasSurvey: survey !== '',
    survey: md(survey),
  });
}

/** One standard: the form while the agency may change it, else its answer, with the scrutiny and what the reader may do next. */
export function standardCard(view: StandardView): AdaptiveCardJson {
  const { answer } = view;
  const open = view.round.status === 'open';
  const editable = view.access.complete && view.ret.status === 'in-progress' && open;
  const canAnswer = view.access.complete && open && answer?.scrutiny?.state === 'challenged';
  const canReview =
    view.access.scrutinise && view.ret.status === 'submitted' && !!answer && answer.scrutiny?.state !== 'accepted' && answer.scrutiny?.state !== 'challenged';
  const errors = Object.fromEntries(
    FIELDS.map((f) => [
      f,
      md(
        view.issues
          .filter((i) => i.field === f)
          .map((i) => i.message)
          .join(' '),
      ),
    ]),
  ) as Record<Fields, string>;
  const values = Object.fromEntries(FIELDS.map((f) => [f, view.raw[f] ?? ''])) as Record<Fields, string>;
  const facts: Fact[] = answer
    ? [
        { title: 'Rating', value: md(ratingLabel(view.round.scale, answer.rating)) },
        ...(answer.naReason ? [{ title: 'Not applicable because', value: md(answer.naReason) }] : []),
        { title: 'Narrative', value: md(answer.narrative || '—') },
        { title: 'Evidence', value: md(answer.evidenceLinks.join('\n') || '—') },
        ...(answer.proposedAction ? [{ title: 'Proposed action', value: md(`${answer.proposedAction} (by ${formatDate(answer.proposedDue ?? '')})`) }] : []),
        { title: 'Saved', value: `${mdName(answer.savedBy.name)}, ${formatDate(answer.savedAt.slice(0, 10))}` },
      ]
    : [{ title: 'Rating', value: 'Not answered' }];
  const s = answer?.scrutiny;
  const scrutiny: Fact[] = s
    ? [
        { title: s.state === 'accepted' ? 'Accepted' : 'Challenged', value: `${mdName(s.by.name)}, ${formatDate(s.at.slice(0, 10))}` },
        ...(s.comment ? [{ title: 'Comment', value: md(s.comment) }] : []),
        ...(s.response ? [{ title: 'Agency’s answer', value: md(s.response) }] : []),
        ...(s.revisedFrom ? [{ title: 'Revised from', value: md(ratingLabel(view.round.scale, s.revisedFrom)) }] : []),
      ]
    : [];
  // Every scrutiny step of this standard, who and when (the latest few: the return keeps them all).
  const steps = view.ret.history.filter((h) => h.standardId === view.standard.id && h.what !== 'saved').slice(-MAX_STEPS_SHOWN);
  if (steps.length > 1)
    scrutiny.push({ title: 'History', value: steps.map((h) => `${formatDate(h.at.slice(0, 10))}: ${STEP_WORDS[h.what]} by ${mdName(h.by.name)}`).join('\n') });
  return render('standard', {
    position: md(`${view.agencyName}: standard ${view.index + 1} of ${view.set.standards.length}`),
    title: md(view.standard.title),
    prompts: md(view.standard.prompts.map((p) => `• ${p}`).join('\n')),
    notice: md(view.notice),
    carried: !!answer?.carriedForward && editable,
    editable,
    canAnswer,
    canReview,
    hasScrutiny: scrutiny.length > 0,
    roundId: view.round.id,
    agency: view.ret.agency,
    standardId: view.standard.id,
    rev: answer?.rev ?? 0,
    ratings: [...SCALES[view.round.scale].map((r) => ({ title: r.label, value: r.value as string })), { title: 'Not applicable', value: NOT_APPLICABLE }],
    values,
    errors,
    facts,
    scrutiny,
  });
}

export function section11Card(view: ReturnView): AdaptiveCardJson {
  return view.kind === 'overview' ? returnCard(view) : standardCard(view);
}

/** The returns of the round for the business manager: each agency's state, and Open. */
export function reviewListCard(list: ReviewList): AdaptiveCardJson {
  return render('review-list', {
    heading: md(`Section 11 ${list.year}: returns to scrutinise`),
    detail: 'Open a return to accept each standard or challenge it with a comment.',
    items: list.items.map((i) => ({ roundId: list.roundId, agency: i.agency, name: md(i.name), state: md(i.state) })),
  });
}
