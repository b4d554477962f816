import { z } from 'zod';

/**
 * Section 11 self-assessment: each agency rates itself against a set of safeguarding standards,
 * the partnership scrutinises and challenges the returns, and weak standards become plan actions.
 * Everything here is stored in the `section11` container, partitioned by organisation.
 */

/** The two scales a partnership may choose: Red/Amber/Green, or Ofsted's four grades. */
export const SCALES = {
  rag: [
    { value: 'green', label: 'Green' },
    { value: 'amber', label: 'Amber' },
    { value: 'red', label: 'Red' },
  ],
  graded: [
    { value: 'outstanding', label: 'Outstanding' },
    { value: 'good', label: 'Good' },
    { value: 'requires-improvement', label: 'Requires improvement' },
    { value: 'inadequate', label: 'Inadequate' },
  ],
} as const;
export type ScaleName = keyof typeof SCALES;
export const SCALE_NAMES = Object.keys(SCALES) as ScaleName[];

/** Ratings that become plan actions on acceptance, whatever the agency proposed. */
export const WEAK_RATINGS: readonly string[] = ['red', 'inadequate', 'requires-improvement'];
/** Ratings that need no proposed action: the standard is met. */
export const MET_RATINGS: readonly string[] = ['green', 'outstanding', 'good'];
export const NOT_APPLICABLE = 'na';

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and - (up to 40 characters)');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const standardSchema = z
  .object({
    id: slug,
    title: text(200),
    /** What evidence the agency is asked for: "Evidence of …". */
    prompts: z.array(text(300)).min(1, 'needs at least one prompt ("Evidence of …")').max(10),
  })
  .strict();

export const standardSetSchema = z
  .object({
    key: slug,
    version: z.number().int().min(1, 'must be a whole number from 1').max(1000),
    title: text(160),
    scale: z.enum(SCALE_NAMES as [ScaleName, ...ScaleName[]], { error: `must be one of ${SCALE_NAMES.join(', ')}` }),
    standards: z.array(standardSchema).min(1, 'needs at least one standard').max(30),
  })
  .strict();

export type Standard = z.infer<typeof standardSchema>;
export type StandardSetDefinition = z.infer<typeof standardSetSchema>;

/** A set as the product holds it: a built-in one (from the files beside this code) or a partnership's own. */
export type StandardSet = StandardSetDefinition & { id: string; orgId: string; kind: 's11-standards'; builtIn: boolean; addedAt: string };

export const standardSetId = (key: string, version: number) => `s11-standards:${key}:v${version}`;

export type PersonStamp = { personId?: string; name: string };

/** One step of a return's history: who did what, when. */
export type ReturnEvent = {
  at: string;
  by: PersonStamp;
  what: 'saved' | 'submitted' | 'accepted' | 'challenged' | 'answered' | 'revised' | 'return-accepted';
  standardId?: string;
  comment?: string;
};

/** The partnership's scrutiny of one standard: accepted, or challenged and then answered by the agency. */
export type Scrutiny = {
  state: 'accepted' | 'challenged' | 'answered';
  comment?: string;
  by: PersonStamp;
  at: string;
  response?: string;
  /** The rating before the agency revised it in answer to the challenge. */
  revisedFrom?: string;
};

/** An agency's answer for one standard. */
export type StandardAnswer = {
  /** A value of the round's scale, or `na`. */
  rating: string;
  naReason?: string;
  narrative: string;
  /** Links only (https), one per line on the card: the return holds no files. */
  evidenceLinks: string[];
  proposedAction?: string;
  proposedDue?: string;
  /** Offered from last round's return and not yet confirmed or changed. */
  carriedForward?: true;
  /** Bumped on every save, so a stale card cannot overwrite a newer answer. */
  rev: number;
  savedBy: PersonStamp;
  savedAt: string;
  scrutiny?: Scrutiny;
  /** The plan action raised from it on acceptance. */
  actionId?: string;
};

export type ReturnStatus = 'in-progress' | 'submitted' | 'accepted';
/** The states the summary and the csv show. */
export type ReturnState = 'not started' | 'in progress' | 'submitted' | 'challenged' | 'accepted';

export type S11Return = {
  id: string;
  orgId: string;
  kind: 's11-return';
  roundId: string;
  agency: string;
  status: ReturnStatus;
  answers: Record<string, StandardAnswer>;
  submittedBy?: PersonStamp;
  submittedAt?: string;
  acceptedAt?: string;
  history: ReturnEvent[];
  version: number;
};

export const returnId = (roundId: string, agency: string) => `s11-return:${roundId}:${agency}`;

export type S11Round = {
  id: string;
  orgId: string;
  kind: 's11-round';
  year: number;
  standards: { key: string; version: number };
  scale: ScaleName;
  closesOn: string;
  startedAt: string;
  startedBy: PersonStamp;
  status: 'open' | 'closed';
  /** Each agency asked, with the leads asked for its return when the round started. */
  agencies: { agency: string; name: string; leads: PersonStamp[] }[];
  challengeEventOn?: string;
  /** The plan weak standards go into (the organisation's only plan, when none was named). */
  planId?: string;
  /** The last day chasers went out, so the daily job chases every second working day. */
  lastChasedOn?: string;
};
