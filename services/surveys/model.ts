import { z } from 'zod';
import type { Report } from '../core/report';
import type { Person } from '../people/model';
import type { PersonRef } from '../plan';

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and - (up to 40)');
const label = (max: number) => z.string().trim().min(1).max(max);
const choice = z.object({ value: slug, label: label(120) }).strict();

const common = {
  id: slug,
  text: label(300),
  help: z.string().trim().max(300).optional(),
  required: z.boolean().default(true),
};

/** The question types a questionnaire may use. Answers are stored as: */
export const questionSchema = z.discriminatedUnion('type', [
  /** 'yes' | 'no' */
  z.object({ type: z.literal('yes-no'), ...common }).strict(),
  /** one option value */
  z.object({ type: z.literal('single'), ...common, options: z.array(choice).min(2).max(12) }).strict(),
  /** a list of option values */
  z.object({ type: z.literal('multi'), ...common, options: z.array(choice).min(2).max(12) }).strict(),
  /** a whole number 1–5, the ends labelled */
  z.object({ type: z.literal('scale'), ...common, minLabel: label(60), maxLabel: label(60) }).strict(),
  /** short free text */
  z.object({ type: z.literal('text'), ...common, maxLength: z.number().int().min(1).max(1000).default(500) }).strict(),
  /** an ISO date */
  z.object({ type: z.literal('date'), ...common }).strict(),
]);

export type Question = z.infer<typeof questionSchema>;
export type QuestionType = Question['type'];

/** A headline figure: the share of those who answered `question` with any of `values`, e.g. "quite or very confident". */
const highlightSchema = z.object({ label: label(120), question: slug, values: z.array(slug).min(1) }).strict();
export type Highlight = z.infer<typeof highlightSchema>;

export const SCALE = [1, 2, 3, 4, 5] as const;

/**
 * The most a questionnaire's written answers may hold in all. Anonymous answers wait sealed, padded
 * to the longest set of answers the questionnaire allows (so their size says nothing of what anyone
 * wrote); this keeps a few dozen waiting well inside a Cosmos DB document's 2 MB.
 */
export const MAX_WRITTEN_CHARS = 5000;

export const questionnaireSchema = z
  .object({
    key: slug,
    version: z.number().int().min(1).max(1000),
    title: label(120),
    intro: z.string().trim().max(500).default(''),
    /** Questions per card page; a longer questionnaire is split into pages. */
    pageSize: z.number().int().min(1).max(10).default(5),
    questions: z.array(questionSchema).min(1).max(40),
    highlights: z.array(highlightSchema).max(20).default([]),
    /** The kind of questionnaire it is (kinds.ts); absent: the staff questionnaire. */
    questionnaireKind: slug.optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const ids = new Set<string>();
    q.questions.forEach((question, i) => {
      if (ids.has(question.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `"${question.id}" is used twice` });
      ids.add(question.id);
      if ((question.type === 'single' || question.type === 'multi') && new Set(question.options.map((o) => o.value)).size !== question.options.length) {
        ctx.addIssue({ code: 'custom', path: ['questions', i, 'options'], message: 'option values must differ' });
      }
    });
    const written = q.questions.reduce((n, question) => n + (question.type === 'text' ? question.maxLength : 0), 0);
    if (written > MAX_WRITTEN_CHARS) {
      ctx.addIssue({
        code: 'custom',
        path: ['questions'],
        message: `written answers may hold at most ${MAX_WRITTEN_CHARS} characters in all (the text questions' maxLength added up); these allow ${written}`,
      });
    }
    q.highlights.forEach((h, i) => {
      const question = q.questions.find((x) => x.id === h.question);
      const allowed = !question
        ? []
        : question.type === 'yes-no'
          ? ['yes', 'no']
          : question.type === 'single' || question.type === 'multi'
            ? question.options.map((o) => o.value)
            : question.type === 'scale'
              ? SCALE.map(String)
              : [];
      if (!question) ctx.addIssue({ code: 'custom', path: ['highlights', i, 'question'], message: `no question "${h.question}"` });
      else if (allowed.length === 0)
        ctx.addIssue({ code: 'custom', path: ['highlights', i, 'question'], message: `"${h.question}" has no fixed answers to count` });
      else
        for (const v of h.values)
          if (!allowed.includes(v)) ctx.addIssue({ code: 'custom', path: ['highlights', i, 'values'], message: `"${v}" is not an answer of "${h.question}"` });
    });
  });

export type QuestionnaireDefinition = z.infer<typeof questionnaireSchema>;
/** Stored versions never change: a new version is a new document, so old answers keep their meaning. */
export type Questionnaire = QuestionnaireDefinition & { id: string; orgId: string; kind: 'questionnaire'; builtIn: boolean; addedAt: string };

export const questionnaireId = (key: string, version: number) => `questionnaire-${key}-v${version}`;

export type Answer = string | string[] | number;
export type Answers = Record<string, Answer>;

export type Audience =
  | { type: 'everyone' }
  | { type: 'department'; department: string }
  /** A job title, HR's meaning of role. */
  | { type: 'role'; jobTitle: string }
  /** Who completed a course between two dates (inclusive). */
  | { type: 'course'; courseCode: string; completedFrom: string; completedTo: string };

/**
 * Departments and department × job title pairs with enough people asked that an answer labelled
 * with one cannot point at a person. A pair is checked as a pair: two large groups can overlap in one person.
 */
export type LargeGroups = {
  departments: string[];
  jobTitles: string[];
  combinations?: string[];
  /**
   * The agencies an answer may name, each with the department and job title labels it carries
   * (`agencyLabel`). Within one set of those labels an agency is named only when at least five of
   * it were asked and the ones left unnamed are none or at least five, so neither the name nor
   * its absence narrows an answer below five. Unset on campaigns started before agencies were labelled.
   */
  agencies?: string[];
};
export const combination = (department: string, jobTitle: string) => `${department}\u0000${jobTitle}`;
export const agencyLabel = (agency: string, department: string, jobTitle: string) => `${agency}\u0000${department}\u0000${jobTitle}`;

/** Where someone works, as an answer may record it: each field empty when it is not recorded. */
export type Workplace = { department: string; jobTitle: string; agency: string };

/**
 * What an anonymous answer may say about where its author works: the department × job title pair
 * when at least five were asked, else the department, else nothing; and the agency when
 * `agencies` allows it with those labels.
 */
export function anonymousLabels(large: LargeGroups | undefined, who: Workplace): Workplace {
  const { department, jobTitle } = who;
  const labels =
    department && jobTitle && large?.combinations?.includes(combination(department, jobTitle))
      ? { department, jobTitle }
      : department && large?.departments.includes(department)
        ? { department, jobTitle: '' }
        : { department: '', jobTitle: '' };
  const agency = who.agency && large?.agencies?.includes(agencyLabel(who.agency, labels.department, labels.jobTitle)) ? who.agency : '';
  return { ...labels, agency };
}

export type Campaign = {
  id: string;
  orgId: string;
  kind: 'campaign';
  title: string;
  questionnaire: { key: string; version: number };
  audience: Audience;
  anonymous: boolean;
  /** When the invitations go: an ISO instant. */
  sendAt: string;
  /** The last day answers are taken (inclusive, organisation's time zone). */
  closesOn: string;
  maxChasers: number;
  /** Working days between the invitation and each chaser. */
  chaserEveryWorkingDays: number;
  status: 'scheduled' | 'open' | 'closed';
  /** Sent by someone bound to one agency: only its people are asked, and only its roles see the results. Unset: the partnership's. */
  agency?: string;
  createdBy: PersonRef | { personId: 'system'; name: string };
  createdAt: string;
  startedOn?: string;
  invited: number;
  /** Set when it starts: the groups large enough to label anonymous answers with. */
  largeGroups?: LargeGroups;
  /**
   * Set when it starts: how many audience chunks there are, each person in the one their id hashes
   * to (audienceBucketOf), so a page press reads that one chunk. Unset (started before): the chunks
   * are in directory order and a person is looked for in each.
   */
  audienceBuckets?: number;
  /** Set on a follow-up created from training completions. */
  followUp?: { courseCode: string; afterDays: number };
  /** Its questionnaire's kind (kinds.ts), copied when it is created; absent: the staff questionnaire, as on every campaign from before kinds. */
  questionnaireKind?: string;
  /** Set when it starts, for a kind answered once per unit: the units asked (a team check's teams), in order. */
  units?: AnswerUnit[];
};

/**
 * Who was asked, in chunks so a campaign to thousands stays within document size limits (about
 * AUDIENCE_CHUNK people each, by hash of their id: see Campaign.audienceBuckets). An
 * anonymous campaign also keeps, in the same order, the labels each person's answer will carry, as
 * they were when it started: someone who moves agency or department before answering would
 * otherwise carry labels nobody else asked has, and stand alone among the answers.
 */
export type AudienceChunk = { id: string; orgId: string; kind: 'audience'; campaignId: string; personIds: string[]; labels?: Workplace[] };
export const AUDIENCE_CHUNK = 1000;

/**
 * "Has responded", kept apart from the answers for chasers and response rates. It records no
 * time of its own and nothing about which answers are whose.
 */
export type RespondedMarker = { id: string; orgId: string; kind: 'responded'; campaignId: string; personId: string };
export const respondedId = (campaignId: string, personId: string) => `responded-${campaignId}-${personId}`;

/**
 * One set of answers. In an anonymous campaign `key` is HMAC(card's random edit key, person id):
 * only the respondent's card holds the edit key, and it opens nothing for anyone else; without it
 * the store cannot say whose answers these are. Department, job title and agency are kept only as a
 * large enough combination (see LargeGroups).
 */
export type AnswerEntry = {
  key: string;
  answers: Answers;
  department: string;
  jobTitle: string;
  /** The agency's id; absent on answers from before agencies were labelled. */ agency?: string;
  /** Who gave a unit's answer (kinds answered once per unit, which are never anonymous). */
  by?: { personId: string; name: string };
};

/**
 * Answers are kept in shared documents rather than one per person, in random order, with no
 * times: the document's write time then matches many respondents, not one.
 */
export type AnswerShard = { id: string; orgId: string; kind: 'answers'; campaignId: string; shard: number; entries: AnswerEntry[] };
export const SHARD_CAPACITY = 250;
/**
 * A shard's most bytes (its UTF-8 JSON), well inside Cosmos DB's 2 MB per item: 250 long answers
 * in non-Latin text would pass 2 MB, so the count alone does not keep a shard storable.
 */
export const SHARD_MAX_BYTES = 1.5 * 1024 * 1024;

/**
 * Anonymous answers not yet pooled into the shards, sealed with the app's key (see seal.ts):
 * `entries` wait; `moving` are on their way into a shard (a flush cut off part-way is finished by the next).
 */
export type PendingAnswers = {
  id: string;
  orgId: string;
  kind: 'pending';
  campaignId: string;
  sealed: string;
  /** The most bytes one entry can take (from the questionnaire): the sealed set is padded to this much per entry. Unset on sets from before. */
  entryBytes?: number;
};
export type PendingContent = { entries: AnswerEntry[]; moving: AnswerEntry[]; movingSince?: string };
/**
 * The sealed sets of a campaign's waiting answers: the first, then more only when a burst fills it
 * (each is kept within PENDING_MAX_BYTES), so a burst never makes one document pass 2 MB.
 */
export const PENDING_BUCKETS = 16;
export const PENDING_MAX_BYTES = 512 * 1024;
export const pendingId = (campaignId: string, bucket = 0) => (bucket === 0 ? `pending-${campaignId}` : `pending-${campaignId}-b${bucket}`);

/** A course whose completions get the follow-up questionnaire `afterDays` later. */
export type FollowUpRule = {
  id: string;
  orgId: string;
  kind: 'follow-up-rule';
  courseCode: string;
  questionnaire: { key: string; version: number };
  afterDays: number;
  /** Days the follow-up stays open. */
  openDays: number;
  maxChasers: number;
  anonymous: boolean;
  /** Completions are pooled by calendar months: 1 = one campaign per month of completion, 3 = per quarter. */
  poolMonths?: number;
  /** The first completion date not yet in a follow-up campaign (set by the job; a small pool keeps waiting from here). */
  nextPoolFrom?: string;
};
export const followUpRuleId = (courseCode: string) => `follow-up-${courseCode.toLowerCase()}`;

export type OptionCount = { value: string; label: string; count: number; pct: number };

export type QuestionResult = {
  id: string;
  text: string;
  type: Question['type'];
  /** Respondents who answered it (optional questions may be skipped). */
  answered: number;
  /** Fixed-answer questions: each answer's count and share of those who answered. Multi-choice shares can add to more than 100%. */
  options: OptionCount[];
  /** 1–5 scales only, to two decimals. */
  mean?: number;
  /** Free text and dates, sorted so their order says nothing about who wrote them; empty where withheld. */
  written: string[];
  /** How many written answers there are, shown even where the text is withheld. */
  writtenCount: number;
};

export type HighlightResult = { label: string; count: number; of: number; pct: number };

/** `hiddenBy`, for a suppressed group: the rule that hid it (too few responses, or giving a smaller group away by subtraction). */
export type GroupResult = {
  by: 'department' | 'role' | 'agency';
  group: string;
  responses: number;
  suppressed: boolean;
  hiddenBy?: 'too-few' | 'subtraction';
  highlights: HighlightResult[];
  questions: QuestionResult[];
};

export type ComparisonRow = { questionId: string; text: string; answer: string; immediatePct: number; followUpPct: number };
export type Comparison = {
  immediate: { campaignIds: string[]; responses: number };
  followUp: { campaignIds: string[]; responses: number };
  rows: ComparisonRow[];
  means: { questionId: string; text: string; immediate: number; followUp: number }[];
};

/**
 * Why an anonymous campaign shows no figures yet: still open (only the response rate, so nobody's
 * answers can be worked out from how figures change), or closed with fewer than five answers.
 */
export type Withheld = 'open' | 'too-few';

export type CampaignResults = {
  campaign: Campaign;
  /** Set when the figures below are empty on purpose. */
  withheld?: Withheld;
  /** Anonymous only: written answers are withheld (counted only) under MIN_FOR_WRITTEN answers. */
  writtenWithheld: boolean;
  questionnaire: Questionnaire;
  invited: number;
  responded: number;
  responseRate: number;
  questions: QuestionResult[];
  highlights: HighlightResult[];
  breakdowns: GroupResult[];
  comparison?: Comparison;
  /**
   * A kind answered once per unit (a team check's teams): every unit asked, with its answer once
   * given. Never set on a kind that may be anonymous (kinds.ts refuses such a kind at load).
   */
  byUnit?: UnitAnswer[];
};

/** One unit asked (a team), and its answer with who gave it, once given. */
export type UnitAnswer = { unit: AnswerUnit; entry?: AnswerEntry };

export type SurveyDoc = Questionnaire | Campaign | AudienceChunk | RespondedMarker | AnswerShard | PendingAnswers | FollowUpRule;

/** A unit answered for as one, e.g. a team: `key` is stable (it keys the answer), `label` is what people read. */
export type AnswerUnit = { key: string; label: string };
/** The key of a unit's one answer: any of its people asked open and replace the same entry. */
export const unitEntryKey = (unit: AnswerUnit) => `unit:${unit.key}`;

/** How much of the results a surface shows: `full` for the export, `summary` for the card and the tab. */
export type ResultsDetail = { detail: 'full' | 'summary' };

/**
 * A kind of questionnaire: who is asked, who may answer and for whom, whether it may be anonymous,
 * and its results as the one report shape. Campaigns, responses and results ask a campaign's kind
 * (kindOf in kinds.ts) instead of assuming one; the staff questionnaire (kinds/staff.ts) is the
 * first, and a stored questionnaire or campaign without `questionnaireKind` is one.
 */
export type QuestionnaireKind = {
  /** Stored as `questionnaireKind` on its questionnaires and campaigns (the first kind's, 'staff', is left out). */
  name: string;
  /** What people call it, e.g. "team check". */
  label: string;
  /** Who answers, in words for error messages and the command line. */
  whoAnswers: string;
  /** Its built-in questionnaires (keys unique across every kind). */
  builtIn: readonly QuestionnaireDefinition[];
  /** The audiences a campaign of this kind may be sent to. */
  audiences: readonly Audience['type'][];
  /** `chosen`: the sender decides; `never`: always named. */
  anonymity: 'chosen' | 'never';
  /** Of the active people the audience holds (within the sender's agency), those asked to answer. */
  asked(people: Person[]): Person[];
  /**
   * What one answer stands for, from where the person was asked for: left out, each person answers
   * for themselves; else the unit (a team) whose one answer any of its people asked may give or change.
   */
  answersFor?(asked: Workplace): AnswerUnit | undefined;
  /** Whether this person may still answer, beyond having been asked (a role they must still hold). */
  mayAnswer(actor: Pick<Person, 'id' | 'roles' | 'agency'>): boolean;
  /** A line the answering card shows under the questions' title. */
  cardNote?(unit: AnswerUnit | undefined): string;
  /** Its results as the one report shape, for every surface (Teams card, command line, tab). */
  results(r: CampaignResults, options: ResultsDetail): Report;
};
