import { DateTime } from 'luxon';
import { localDate } from '../core/dates';
import type { DueSchedule } from '../plan';
import type { ReminderPolicy } from '../organisation/reminder-policy';
import type { WorkingCalendar } from '../scheduling/calendar';

export type ReminderReason =
  | { kind: 'due-soon'; dueDate: string; workingDaysLeft: number }
  | { kind: 'due-today'; dueDate: string }
  | { kind: 'overdue'; dueDate: string; workingDaysOverdue: number }
  /** `period` is 'yyyy-MM' for a monthly cadence, 'yyyy-Qn' for a quarterly one. */
  | { kind: 'periodic'; period: string };

export type ReminderSubject = {
  open: boolean;
  due: DueSchedule;
  revisedDueDate?: string;
  /** `at` is an instant (ISO with offset or Z). */
  history: { at: string; source: 'teams' | 'import' }[];
  /** No reminders up to and including this ISO date. */
  snoozedUntil?: string;
};

/** The revised date if the owner gave one; else the next plan date from today; else the last (overdue) one. */
export function dueDateFor(subject: Pick<ReminderSubject, 'due' | 'revisedDueDate'>, today: string): string | undefined {
  if (subject.revisedDueDate) return subject.revisedDueDate;
  const dates = subject.due.dates;
  return dates.find((d) => d >= today) ?? dates[dates.length - 1];
}

function periodOf(date: string, cadence: ReminderPolicy['ongoingCadence']): { key: string; start: string } {
  const d = DateTime.fromISO(date, { zone: 'utc' });
  const start = cadence === 'monthly' ? d.startOf('month') : d.startOf('quarter');
  return { key: cadence === 'monthly' ? start.toFormat('yyyy-MM') : `${start.year}-Q${start.quarter}`, start: start.toISODate()! };
}

/*
 * Whether an action gets a reminder today, and why (numbers are the organisation's policy,
 * defaults in brackets; all counts are in working days):
 * 1. Nothing on a weekend or bank holiday, nothing for a closed action, nothing while snoozed
 *    (snoozedUntil >= today).
 * 2. The due date is dueDateFor(); one on a non-working day is treated as due on the working day
 *    before (the "due day").
 * 3. "due-soon" when the due day is one of [14, 7, 1] working days away.
 * 4. "due-today" on the due day, if the policy asks for it [yes].
 * 5. "overdue" every [5] working days after the due day, until the owner gives an update in Teams
 *    dated (in the organisation's time zone) on or after the due day: an update stops the chasers.
 *    Updates given before the due day, or imported from a file, do not.
 * 6. An ongoing action with no date still ahead is never overdue: instead it asks for its update on
 *    the first working day of each month [or quarter], unless it was updated in Teams in that
 *    period already.
 * The reasons report the date as written in the plan (or revised), not the shifted due day.
 */
export function reminderFor(
  subject: ReminderSubject,
  today: string,
  policy: ReminderPolicy,
  calendar: WorkingCalendar,
  timeZone: string,
): ReminderReason | null {
  if (!subject.open || !calendar.isWorkingDay(today)) return null;
  if (subject.snoozedUntil && subject.snoozedUntil >= today) return null;
  // Only worked out when a rule needs it: converting instants is the costly part of a nightly run.
  const updatedInTeamsSince = (date: string) => subject.history.some((h) => h.source === 'teams' && localDate(h.at, timeZone) >= date);
  const due = dueDateFor(subject, today);

  if (subject.due.ongoing && (!due || due < today)) {
    const period = periodOf(today, policy.ongoingCadence);
    if (today !== calendar.nextWorkingDay(period.start)) return null;
    return updatedInTeamsSince(period.start) ? null : { kind: 'periodic', period: period.key };
  }
  if (!due) return null;
  const dueDay = calendar.previousWorkingDay(due);
  if (today === dueDay) return policy.onDueDay ? { kind: 'due-today', dueDate: due } : null;
  if (today < dueDay) {
    const left = calendar.workingDaysBetween(today, dueDay);
    return policy.beforeDue.includes(left) ? { kind: 'due-soon', dueDate: due, workingDaysLeft: left } : null;
  }
  const overdue = calendar.workingDaysBetween(dueDay, today);
  if (overdue % policy.overdueEvery !== 0) return null;
  return updatedInTeamsSince(dueDay) ? null : { kind: 'overdue', dueDate: due, workingDaysOverdue: overdue };
}
