import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

/**
 * Working days: Monday to Friday except bank holidays (England & Wales by default, from the
 * maintained date-holidays data, substitute days included). Dates are ISO calendar dates.
 */
export class WorkingCalendar {
  private readonly holidays: Holidays;
  private readonly byYear = new Map<number, Map<string, string>>();

  constructor(options: { country?: string; region?: string } = {}) {
    this.holidays = new Holidays(options.country ?? 'GB', options.region ?? 'ENG');
  }

  /** Bank holidays of a year by date; cached because reminder runs ask about thousands of dates. */
  private holidaysOf(year: number): Map<string, string> {
    let found = this.byYear.get(year);
    if (!found) {
      found = new Map(
        this.holidays
          .getHolidays(year)
          .filter((h) => h.type === 'public' || h.type === 'bank')
          .map((h) => [h.date.slice(0, 10), h.name]),
      );
      this.byYear.set(year, found);
    }
    return found;
  }

  bankHoliday(date: string): string | undefined {
    return this.holidaysOf(Number(date.slice(0, 4))).get(date);
  }

  isWorkingDay(date: string): boolean {
    return DateTime.fromISO(date).weekday <= 5 && !this.bankHoliday(date);
  }

  nextWorkingDay(date: string): string {
    let d = DateTime.fromISO(date);
    while (!this.isWorkingDay(d.toISODate()!)) d = d.plus({ days: 1 });
    return d.toISODate()!;
  }

  previousWorkingDay(date: string): string {
    let d = DateTime.fromISO(date);
    while (!this.isWorkingDay(d.toISODate()!)) d = d.minus({ days: 1 });
    return d.toISODate()!;
  }

  /** Moves by `n` working days (back for negative n); 0 leaves the date as it is. */
  addWorkingDays(date: string, n: number): string {
    let d = DateTime.fromISO(date);
    const step = n < 0 ? -1 : 1;
    for (let left = Math.abs(n); left > 0; ) {
      d = d.plus({ days: step });
      if (this.isWorkingDay(d.toISODate()!)) left--;
    }
    return d.toISODate()!;
  }

  /** Working days d with from < d <= to; negative when `to` is before `from`. */
  workingDaysBetween(from: string, to: string): number {
    if (from === to) return 0;
    const [start, end, sign] = from < to ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let d = DateTime.fromISO(start).plus({ days: 1 }); d.toISODate()! <= end; d = d.plus({ days: 1 })) {
      if (this.isWorkingDay(d.toISODate()!)) count++;
    }
    return sign * count;
  }
}
