import { pct } from '../core/figures';
import { DateTime } from 'luxon';
import type { Person } from '../people/model';
import { counts, requires, type Course, type PersonFacts, type Requirement, type TrainingRecord } from './model';

/** Everything the figures are worked out from: the people, the catalogue, the role requirements and the records. */
export type TrainingData = { people: Person[]; courses: Course[]; requirements: Requirement[]; records: TrainingRecord[] };

export type Breakdown = 'department' | 'role' | 'course';

export type RateRow = { group: string; required: number; withinValidity: number; within12Months: number; pctWithinValidity: number; pctWithin12Months: number };

export type RequiredPair = { person: Person; course: Course; last?: string; expiresOn?: string; booked: boolean };

/** The fields of a record the figures read: a query can fetch just these. */
export type RecordFacts = Pick<TrainingRecord, 'personId' | 'agency' | 'courseCode' | 'completedOn' | 'status' | 'review'>;

const sortedUnique = (dates: Set<string>) => [...dates].sort();

/** The one fold from records to facts, by person then course. */
export function foldFacts(records: Iterable<RecordFacts>): Map<string, PersonFacts> {
  type Open = { completed: Set<string>; booked: Set<string>; cancelled: Set<string>; pending: boolean };
  const byPerson = new Map<string, Map<string, Open>>();
  for (const r of records) {
    let courses = byPerson.get(r.personId);
    if (!courses) byPerson.set(r.personId, (courses = new Map()));
    let facts = courses.get(r.courseCode);
    if (!facts) courses.set(r.courseCode, (facts = { completed: new Set(), booked: new Set(), cancelled: new Set(), pending: false }));
    if (r.status === 'cancelled') facts.cancelled.add(r.completedOn ?? '');
    if (r.status === 'booked') facts.booked.add(r.completedOn ?? '');
    if (r.status === 'self-reported' && !r.review) facts.pending = true;
    if (counts(r as TrainingRecord)) facts.completed.add(r.completedOn!);
  }
  const out = new Map<string, PersonFacts>();
  for (const [personId, courses] of byPerson) {
    const folded: PersonFacts = {};
    // Empty parts are left out: a council's summaries are read whole for the HR views.
    for (const [code, f] of [...courses].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      folded[code] = {
        completed: sortedUnique(f.completed),
        ...(f.booked.size ? { booked: sortedUnique(f.booked) } : {}),
        ...(f.cancelled.size ? { cancelled: sortedUnique(f.cancelled) } : {}),
        ...(f.pending ? { pending: true as const } : {}),
      };
    }
    out.set(personId, folded);
  }
  return out;
}

/** People's folded records, read as at a date. */
export class RecordSummary {
  private readonly byPerson = new Map<string, PersonFacts>();

  constructor(readonly asAt: string) {}

  addPerson(personId: string, courses: PersonFacts): void {
    this.byPerson.set(personId, courses);
  }

  /** The latest completion that counts, on or before the date. */
  lastCompleted(personId: string, courseCode: string): string | undefined {
    let latest: string | undefined;
    for (const date of this.byPerson.get(personId)?.[courseCode]?.completed ?? []) {
      if (date > this.asAt) break;
      latest = date;
    }
    return latest;
  }

  /** A booking stands unless a cancelled row names the same person, course and date. */
  booked(personId: string, courseCode: string): boolean {
    const facts = this.byPerson.get(personId)?.[courseCode];
    return !!facts?.booked?.some((date) => !facts.cancelled?.includes(date));
  }

  awaitingVerification(personId: string, courseCode: string): boolean {
    return !!this.byPerson.get(personId)?.[courseCode]?.pending;
  }
}

export function summarise(records: Iterable<RecordFacts>, asAt: string): RecordSummary {
  const summary = new RecordSummary(asAt);
  for (const [personId, courses] of foldFacts(records)) summary.addPerson(personId, courses);
  return summary;
}

/** The catalogue and people with the records either as they are or already summarised as at the date. */
export type TrainingFigures = Omit<TrainingData, 'records'> & ({ records: TrainingRecord[] } | { summary: RecordSummary });

function summaryOf(data: TrainingFigures, asAt: string): RecordSummary {
  if ('summary' in data) {
    if (data.summary.asAt !== asAt) throw new Error(`Training figures summarised as at ${data.summary.asAt}, asked as at ${asAt}`);
    return data.summary;
  }
  return summarise(data.records, asAt);
}

/** Every (active person, required course) pair, with the latest completion that counts as at the date. */
export function requiredPairs(data: TrainingFigures, asAt: string): RequiredPair[] {
  const summary = summaryOf(data, asAt);
  const byCode = new Map(data.courses.map((c) => [c.code, c]));
  // Tens of thousands of pairs share a few thousand completion dates: work each expiry out once.
  const expiries = new Map<string, string>();
  const expiryOf = (last: string, months: number) => {
    const key = `${last}|${months}`;
    let expires = expiries.get(key);
    if (expires === undefined) expiries.set(key, (expires = DateTime.fromISO(last).plus({ months }).toISODate()!));
    return expires;
  };
  // Thousands of people share a few dozen job titles and departments: work each one's courses out once.
  const required = new Map<string, Set<string>>();
  const codesFor = (person: Person) => {
    const key = `${person.jobTitle ?? ''}\u0000${person.department ?? ''}`;
    let codes = required.get(key);
    if (!codes) required.set(key, (codes = new Set(data.requirements.filter((q) => requires(q, person)).map((q) => q.courseCode))));
    return codes;
  };
  const pairs: RequiredPair[] = [];
  for (const person of data.people) {
    // Leavers keep their records but leave the rates.
    if (!person.active) continue;
    const codes = codesFor(person);
    for (const code of codes) {
      const course = byCode.get(code);
      if (!course) continue;
      const last = summary.lastCompleted(person.id, code);
      pairs.push({
        person,
        course,
        booked: summary.booked(person.id, code),
        ...(last ? { last, expiresOn: expiryOf(last, course.validityMonths) } : {}),
      });
    }
  }
  return pairs;
}

/**
 * Completion rates as at a date, by department, job role or course: the share of required
 * (person, course) pairs completed within the course's validity, and within the last 12 months.
 */
export function completionRates(data: TrainingFigures, asAt: string, by: Breakdown): RateRow[] {
  return ratesBy(data, asAt, groupOfBreakdown(by));
}

/** The group a (person, course) pair falls in, for each breakdown. */
export const groupOfBreakdown = (by: Breakdown) => (p: RequiredPair) =>
  by === 'department' ? p.person.department || '(none)' : by === 'role' ? p.person.jobTitle || '(none)' : p.course.name;

/** How many people (not pairs) each group of a breakdown has: the size a small-group rule reads. */
export function peoplePerGroup(pairs: readonly RequiredPair[], groupOf: (pair: RequiredPair) => string): Map<string, number> {
  const members = new Map<string, Set<string>>();
  for (const p of pairs) {
    const group = groupOf(p);
    if (!members.has(group)) members.set(group, new Set());
    members.get(group)!.add(p.person.id);
  }
  return new Map([...members].map(([g, ids]) => [g, ids.size]));
}

/** Completion rates grouped by any property of the (person, course) pair, with an "All" row last. */
export function ratesBy(data: TrainingFigures, asAt: string, groupOf: (pair: RequiredPair) => string): RateRow[] {
  return ratesOfPairs(requiredPairs(data, asAt), asAt, groupOf);
}

/** The same rates from pairs already worked out, for a caller that also needs the pairs (the board report counts people per group). */
export function ratesOfPairs(pairs: readonly RequiredPair[], asAt: string, groupOf: (pair: RequiredPair) => string): RateRow[] {
  const twelveMonthsAgo = DateTime.fromISO(asAt).minus({ months: 12 }).toISODate()!;
  const groups = new Map<string, { required: number; valid: number; recent: number }>();
  const add = (group: string, valid: boolean, recent: boolean) => {
    const g = groups.get(group) ?? { required: 0, valid: 0, recent: 0 };
    g.required++;
    if (valid) g.valid++;
    if (recent) g.recent++;
    groups.set(group, g);
  };
  for (const p of pairs) {
    const valid = !!p.expiresOn && p.expiresOn > asAt;
    const recent = !!p.last && p.last > twelveMonthsAgo;
    add(groupOf(p), valid, recent);
    add('All', valid, recent);
  }
  return [...groups]
    .sort(([a], [b]) => (a === 'All' ? 1 : b === 'All' ? -1 : a.localeCompare(b)))
    .map(([group, g]) => ({
      group,
      required: g.required,
      withinValidity: g.valid,
      within12Months: g.recent,
      pctWithinValidity: pct(g.valid, g.required),
      pctWithin12Months: pct(g.recent, g.required),
    }));
}

/** The same order as `localeCompare`, many times faster over the tens of thousands of rows of a council's list. */
const byText = new Intl.Collator().compare;

export type OverdueRow = { name: string; department: string; jobTitle: string; course: string; lastCompleted: string; expiredOn: string; booked: boolean };

/** Named list: who lacks a required course, or whose completion has expired, as at the date. For HR only. */
export function overdueList(data: TrainingFigures, asAt: string): OverdueRow[] {
  return requiredPairs(data, asAt)
    .filter((p) => !p.expiresOn || p.expiresOn <= asAt)
    .map((p) => ({
      name: p.person.name,
      department: p.person.department ?? '',
      jobTitle: p.person.jobTitle ?? '',
      course: p.course.name,
      lastCompleted: p.last ?? '',
      expiredOn: p.expiresOn ?? '',
      booked: p.booked,
    }))
    .sort((a, b) => byText(a.department, b.department) || byText(a.name, b.name) || byText(a.course, b.course));
}

export type MyCourse = {
  course: Course;
  state: 'valid' | 'expiring' | 'expired' | 'booked' | 'required' | 'awaiting verification';
  last?: string;
  expiresOn?: string;
};

/** One person's required courses and where each stands; "expiring" means within 30 days. */
export function myTraining(data: TrainingFigures, person: Person, asAt: string): MyCourse[] {
  const soon = DateTime.fromISO(asAt).plus({ days: 30 }).toISODate()!;
  const summary = summaryOf(data, asAt);
  return requiredPairs({ courses: data.courses, requirements: data.requirements, people: [{ ...person, active: true }], summary }, asAt).map((p) => {
    const base = { course: p.course, ...(p.last ? { last: p.last } : {}), ...(p.expiresOn ? { expiresOn: p.expiresOn } : {}) };
    if (p.expiresOn && p.expiresOn > soon) return { ...base, state: 'valid' as const };
    if (p.expiresOn && p.expiresOn > asAt) return { ...base, state: 'expiring' as const };
    if (summary.awaitingVerification(person.id, p.course.code)) return { ...base, state: 'awaiting verification' as const };
    if (p.booked) return { ...base, state: 'booked' as const };
    return { ...base, state: p.expiresOn ? ('expired' as const) : ('required' as const) };
  });
}
