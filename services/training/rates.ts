import { pct } from '../core/figures';
import { DateTime } from 'luxon';
import type { Person } from '../people/model';
import type { TrainingData } from './catalogue';
import { counts, requires, type Course, type TrainingRecord } from './model';

export type Breakdown = 'department' | 'role' | 'course';

export type RateRow = { group: string; required: number; withinValidity: number; within12Months: number; pctWithinValidity: number; pctWithin12Months: number };

export type RequiredPair = { person: Person; course: Course; last?: string; expiresOn?: string; booked: boolean };


/** Every (active person, required course) pair, with the latest completion that counts as at the date. */
export function requiredPairs(data: TrainingData, asAt: string): RequiredPair[] {
  const latest = new Map<string, string>();
  const booked = new Set<string>();
  // A cancelled row cancels the booking for the same person, course and date.
  const cancelled = new Set(data.records.filter((r) => r.status === 'cancelled').map((r) => `${r.personId}|${r.courseCode}|${r.completedOn ?? ''}`));
  for (const r of data.records) {
    const key = `${r.personId}|${r.courseCode}`;
    if (r.status === 'booked' && !cancelled.has(`${key}|${r.completedOn ?? ''}`)) booked.add(key);
    if (!counts(r) || r.completedOn! > asAt) continue;
    if ((latest.get(key) ?? '') < r.completedOn!) latest.set(key, r.completedOn!);
  }
  const byCode = new Map(data.courses.map((c) => [c.code, c]));
  const pairs: RequiredPair[] = [];
  for (const person of data.people) {
    // Leavers keep their records but leave the rates.
    if (!person.active) continue;
    const codes = new Set(data.requirements.filter((q) => requires(q, person)).map((q) => q.courseCode));
    for (const code of codes) {
      const course = byCode.get(code);
      if (!course) continue;
      const last = latest.get(`${person.id}|${code}`);
      pairs.push({
        person,
        course,
        booked: booked.has(`${person.id}|${code}`),
        ...(last ? { last, expiresOn: DateTime.fromISO(last).plus({ months: course.validityMonths }).toISODate()! } : {}),
      });
    }
  }
  return pairs;
}

/**
 * Completion rates as at a date, by department, job role or course: the share of required
 * (person, course) pairs completed within the course's validity, and within the last 12 months.
 */
export function completionRates(data: TrainingData, asAt: string, by: Breakdown): RateRow[] {
  const twelveMonthsAgo = DateTime.fromISO(asAt).minus({ months: 12 }).toISODate()!;
  const groups = new Map<string, { required: number; valid: number; recent: number }>();
  const add = (group: string, valid: boolean, recent: boolean) => {
    const g = groups.get(group) ?? { required: 0, valid: 0, recent: 0 };
    g.required++;
    if (valid) g.valid++;
    if (recent) g.recent++;
    groups.set(group, g);
  };
  for (const p of requiredPairs(data, asAt)) {
    const valid = !!p.expiresOn && p.expiresOn > asAt;
    const recent = !!p.last && p.last > twelveMonthsAgo;
    const group = by === 'department' ? p.person.department || '(none)' : by === 'role' ? p.person.jobTitle || '(none)' : p.course.name;
    add(group, valid, recent);
    add('All', valid, recent);
  }
  return [...groups]
    .sort(([a], [b]) => (a === 'All' ? 1 : b === 'All' ? -1 : a.localeCompare(b)))
    .map(([group, g]) => ({ group, required: g.required, withinValidity: g.valid, within12Months: g.recent, pctWithinValidity: pct(g.valid, g.required), pctWithin12Months: pct(g.recent, g.required) }));
}

export type OverdueRow = { name: string; department: string; jobTitle: string; course: string; lastCompleted: string; expiredOn: string; booked: boolean };

/** Named list: who lacks a required course, or whose completion has expired, as at the date. For HR only. */
export function overdueList(data: TrainingData, asAt: string): OverdueRow[] {
  return requiredPairs(data, asAt)
    .filter((p) => !p.expiresOn || p.expiresOn <= asAt)
    .map((p) => ({ name: p.person.name, department: p.person.department ?? '', jobTitle: p.person.jobTitle ?? '', course: p.course.name, lastCompleted: p.last ?? '', expiredOn: p.expiresOn ?? '', booked: p.booked }))
    .sort((a, b) => a.department.localeCompare(b.department) || a.name.localeCompare(b.name) || a.course.localeCompare(b.course));
}

export type MyCourse = { course: Course; state: 'valid' | 'expiring' | 'expired' | 'booked' | 'required' | 'awaiting verification'; last?: string; expiresOn?: string };

/** One person's required courses and where each stands; "expiring" means within 30 days. */
export function myTraining(data: TrainingData, person: Person, asAt: string): MyCourse[] {
  const soon = DateTime.fromISO(asAt).plus({ days: 30 }).toISODate()!;
  const pending = new Set(data.records.filter((r: TrainingRecord) => r.personId === person.id && r.status === 'self-reported' && !r.review).map((r) => r.courseCode));
  return requiredPairs({ ...data, people: [{ ...person, active: true }] }, asAt).map((p) => {
    const base = { course: p.course, ...(p.last ? { last: p.last } : {}), ...(p.expiresOn ? { expiresOn: p.expiresOn } : {}) };
    if (p.expiresOn && p.expiresOn > soon) return { ...base, state: 'valid' as const };
    if (p.expiresOn && p.expiresOn > asAt) return { ...base, state: 'expiring' as const };
    if (pending.has(p.course.code)) return { ...base, state: 'awaiting verification' as const };
    if (p.booked) return { ...base, state: 'booked' as const };
    return { ...base, state: p.expiresOn ? ('expired' as const) : ('required' as const) };
  });
}
