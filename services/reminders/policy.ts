import { DateTime } from 'luxon';
import { z } from 'zod';
import { localDate } from '../core/dates';
import type { DueSchedule } from '../plan/due-dates';
import type { WorkingCalendar } from '../scheduling/calendar';

export type ReminderPolicy = {
  /** Working days before the due date on which to remind. */
  beforeDue: number[];
  onDueDay: boolean;
  /** While overdue and not updated, remind every this many working days. */
  overdueEvery: number;
  ongoingCadence: 'monthly' | 'quarterly';
  /** The working-day choices a digest's Snooze offers. */
  snoozeChoices: number[];
};

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = { beforeDue: [14, 7, 1], onDueDay: true, overdueEvery: 5, ongoingCadence: 'monthly', snoozeChoices: [1, 3, 7] };

const workingDays = z.number().int().min(1).max(60);
export const reminderPolicySchema = z.object({
  beforeDue: z.array(workingDays).max(10),
  onDueDay: z.boolean(),
  overdueEvery: workingDays,
  ongoingCadence: z.enum(['monthly', 'quarterly']),
  snoozeChoices: z.array(workingDays).min(1).max(5),
}) satisfies z.ZodType<ReminderPolicy>;

export type ReminderReason =
  | { kind: 'due-soon'; dueDate: string; workingDaysLeft: number }
  | { kind: 'due-today'; dueDate: string }
  | { kind: 'overdue'; dueDate: string; workingDaysOverdue: number }
  | { kind: 'periodic'; period: string };

export type ReminderSubject = {
  open: boolean;
  due: DueSchedule;
  revisedDueDate?: string;
  history: { at: string; source: 'teams' | 'import' }[];
  snoozedUntil?: string;
};

/** The revised date if the owner gave one; else the next plan date from today; else the last (overdue) one. */
export function dueDateFor(subject: Pick<ReminderSubject, 'due' | 'revisedDueDate'>, today: string): string | undefined {
  if (subject.revisedDueDate) return subject.revisedDueDate;
  const dates = subject.due.dates;
  return dates.find((d) => d >= today) ?? dates[dates.length - 1];
}

function periodOf(date: string, cadence: ReminderPolicy['ongoingCadence']): { key: string; start: string } {
  const d = DateTime.fromISO(date);
  const start = cadence === 'monthly' ? d.startOf('month') : d.startOf('quarter');
  return { key: cadence === 'monthly' ? start.toFormat('yyyy-MM') : `${start.year}-Q${start.quarter}`, start: start.toISODate()! };
}

/*
 * When an action gets a reminder (rules are per organisation, defaults in brackets):
 * - only on working days, only for open actions, and not while snoozed (snoozedUntil >= today);
 * - a due date on a non-working day counts as due on the working day before;
 * - "due-soon" when it is a set number of working days away [14, 7, 1]; "due-today" on the day;
 * - "overdue" every N working days after it [5], until an update is given in Teams on or after
 *   the due date: an update stops the chasers;
 * - an ongoing action with no plan date still ahead asks for its periodic update on the first
 *   working day of each month (or quarter), unless it was updated in that period already. It is
 *   never "overdue".
 */
export function reminderFor(subject: ReminderSubject, today: string, policy: ReminderPolicy, calendar: WorkingCalendar, timeZone: string): ReminderReason | null {
  if (!subject.open || !calendar.isWorkingDay(today)) return null;
  if (subject.snoozedUntil && subject.snoozedUntil >= today) return null;
  const updatesInTeams = subject.history.filter((h) => h.source === 'teams').map((h) => localDate(h.at, timeZone));
  const due = dueDateFor(subject, today);

  if (subject.due.ongoing && !subject.revisedDueDate && (!due || due < today)) {
    const period = periodOf(today, policy.ongoingCadence);
    if (today !== calendar.nextWorkingDay(period.start)) return null;
    return updatesInTeams.some((d) => d >= period.start) ? null : { kind: 'periodic', period: period.key };
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
  return updatesInTeams.some((d) => d >= due) ? null : { kind: 'overdue', dueDate: due, workingDaysOverdue: overdue };
}
