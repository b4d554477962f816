import type { PersonRef } from '../plan';

export type Course = { id: string; orgId: string; kind: 'course'; code: string; name: string; validityMonths: number };

/**
 * Who needs a course: people whose job title is listed (or everyone, with "*"), optionally only
 * in some departments.
 */
export type Requirement = { id: string; orgId: string; kind: 'requirement'; courseCode: string; jobTitles: string[]; departments?: string[] };

export type RecordStatus = 'completed' | 'booked' | 'cancelled' | 'self-reported';

export type TrainingRecord = {
  id: string;
  orgId: string;
  kind: 'record';
  personId: string;
  /** The person's agency, copied at import and self-report, so an agency's training is read by filtering on it. */
  agency?: string;
  courseCode: string;
  completedOn?: string;
  status: RecordStatus;
  source: 'import' | 'self';
  certificateUrl?: string;
  /** HR's decision on a self-reported completion; only verified ones count. */
  review?: { decision: 'verified' | 'rejected'; by: PersonRef; at: string; note?: string };
  createdAt: string;
};

/** The safeguarding courses a council typically requires; valid for three years unless set otherwise. */
export const DEFAULT_COURSES: Omit<Course, 'orgId' | 'id' | 'kind'>[] = [
  { code: 'SG-AWARE', name: 'Safeguarding awareness', validityMonths: 36 },
  { code: 'SG-GEN', name: 'Safeguarding generalist', validityMonths: 36 },
  { code: 'SG-SPEC', name: 'Safeguarding specialist', validityMonths: 36 },
  { code: 'CSE', name: 'Child sexual exploitation', validityMonths: 36 },
  { code: 'PREVENT', name: 'Prevent', validityMonths: 36 },
  { code: 'DA', name: 'Domestic abuse', validityMonths: 36 },
  { code: 'COUNCILLOR', name: 'Safeguarding for councillors', validityMonths: 36 },
];

export const courseId = (code: string) => `course-${code.toLowerCase()}`;

/** A completion counts if it was imported as completed, or self-reported and verified by HR. */
export function counts(record: TrainingRecord): boolean {
  return !!record.completedOn && (record.status === 'completed' || (record.status === 'self-reported' && record.review?.decision === 'verified'));
}

export function requires(requirement: Requirement, person: { jobTitle?: string; department?: string }): boolean {
  const title = (person.jobTitle ?? '').trim().toLowerCase();
  const byTitle = requirement.jobTitles.some((t) => t === '*' || t.trim().toLowerCase() === title);
  const byDepartment =
    !requirement.departments?.length || requirement.departments.some((d) => d.trim().toLowerCase() === (person.department ?? '').trim().toLowerCase());
  return byTitle && byDepartment;
}

/**
 * One person's records of one course, folded to what the figures read: every counted completion
 * date (sorted), the dates booked and cancelled, and whether a self-report waits for HR. It keeps
 * every completion date, not only the latest, so figures come out right as at any date.
 */
export type CourseFacts = { completed: string[]; booked?: string[]; cancelled?: string[]; pending?: true };
export type PersonFacts = Record<string, CourseFacts>;

/**
 * One person's training history folded to what the figures read (see `foldFacts`), kept in step
 * with their records: the HR views then read one small document a person instead of every record
 * (300,000 at council size), and get the same figures as at any date.
 */
/** One person's training, folded from their records; carries their agency so an agency's figures read only its summaries. */
export type TrainingSummary = { id: string; orgId: string; kind: 'summary'; personId: string; agency?: string; courses: PersonFacts };

export const summaryId = (personId: string) => `summary-${personId}`;
