import type { PersonRef } from '../plan';

/**
 * A review the partnership learns from (a practice review, a rapid review, an audit) and the
 * recommendations it made. A review is about the system, never a child: it holds the review's own
 * published name, its lines of enquiry and what it asked agencies to change.
 */
export const REVIEW_KINDS = ['practice-review', 'rapid-review', 'multi-agency-audit', 'section-11', 'other'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = {
  'practice-review': 'Child Safeguarding Practice Review',
  'rapid-review': 'Rapid review',
  'multi-agency-audit': 'Multi-agency audit',
  'section-11': 'Section 11 round',
  other: 'Other review',
};

/**
 * Who answers for a recommendation: one person of the directory, or an agency (its safeguarding
 * leads answer). A person without `personId` was erased as a leaver: nobody is asked until the
 * review file names another owner.
 */
export type RecommendationOwner = { kind: 'person'; personId?: string; name: string } | { kind: 'agency'; agencyId: string; name: string };

/** One thing to do for a recommendation; it becomes an action of the plan, as an imported row does. */
export type RecommendationAction = { action: string; evidence: string; lead: string; due: string };

export type Recommendation = {
  /** As the review numbers it (R1, 3.2): unique within the review. */
  id: string;
  lineOfEnquiry: string;
  text: string;
  /** The difference it is meant to make. */
  outcome: string;
  /** How that difference will be measured. */
  measure: string;
  owner: RecommendationOwner;
  /** When the work should be done (ISO date). */
  due: string;
  /** When the owner is asked what difference it made (ISO date; by default 12 months after publication). */
  impactCheck: string;
  agencies?: string[];
  /** A questionnaire (its key) whose results are the measure, shown beside the impact check. */
  questionnaire?: string;
  actions: RecommendationAction[];
  /** The plan's learning point this recommendation became (0: none of the plan's learning points names it yet). */
  learningPoint: number;
};

export type Review = {
  id: string;
  orgId: string;
  kind: 'review';
  reviewKind: ReviewKind;
  title: string;
  published: string;
  linesOfEnquiry: string[];
  recommendations: Recommendation[];
  /** The action plan its recommendations became learning points of. */
  planId: string;
  addedAt: string;
  addedBy: PersonRef;
  source?: { fileName: string };
  updatedAt: string;
};

export const MEASURE_RESULTS = ['met', 'partly', 'not-met', 'too-early'] as const;
export type MeasureResult = (typeof MEASURE_RESULTS)[number];
export const MEASURE_LABELS: Record<MeasureResult, string> = { met: 'Met', partly: 'Partly met', 'not-met': 'Not met', 'too-early': 'Too early to tell' };

export const OUTCOME_RAGS = ['B', 'G', 'A', 'R'] as const;
export type OutcomeRag = (typeof OUTCOME_RAGS)[number];
export const OUTCOME_RAG_LABELS: Record<OutcomeRag, string> = {
  B: 'Blue: outcome achieved',
  G: 'Green: on course',
  A: 'Amber: at risk',
  R: 'Red: not achieved',
};

export type ImpactAnswer = {
  at: string;
  by: PersonRef;
  changed: string;
  evidenceLinks: string[];
  measure: MeasureResult;
  outcomeRag: OutcomeRag;
};

export type Postponement = { at: string; by: PersonRef; from: string; to: string; reason: string };

/**
 * The 12-month question for one recommendation: "what difference did it make?". Its own document,
 * so answering, postponing and chasing one check never rewrites the review.
 */
export type ImpactCheck = {
  id: string;
  orgId: string;
  kind: 'impact-check';
  reviewId: string;
  recommendationId: string;
  /** The date the owner is asked (moved by a postponement). */
  dueOn: string;
  status: 'waiting' | 'asked' | 'answered';
  /** People asked when it fell due: the owner, or an owning agency's safeguarding leads. */
  askedPersonIds: string[];
  askedOn?: string;
  /** Requests and chasers sent since it was last asked. */
  reminders: number;
  lastReminderOn?: string;
  answer?: ImpactAnswer;
  postponements: Postponement[];
  escalationId?: string;
  /** Bumped on every change; cards carry it so a stale card cannot overwrite a newer answer. */
  version: number;
};

export const impactCheckId = (reviewId: string, recommendationId: string) => `impact-${reviewId}-${recommendationId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
