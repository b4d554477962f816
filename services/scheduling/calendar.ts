import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A bank holiday year: names by date, and the holidays that fall on weekdays (the ones that cost a working day). */
type HolidayYear = { names: Map<string, string>; weekdays: string[] };

/**
 * Working days: Monday to Friday except bank holidays (England & Wales by default), from the
 * maintained date-holidays data: only holidays of type 'public', which include substitute days.
 * Dates are ISO calendar dates (yyyy-mm-dd) with no time zone: the caller decides which day
 * "today" is where the organisation is.
 */
export class WorkingCalendar {
  private readonly holidays: Holidays;
  private readonly years = new Map<number, HolidayYear>();

  constructor(options: { country?: string; region?: string } = {}) {
    const country = (options.country ?? 'GB').toUpperCase();
    // date-holidays quietly falls back to the whole country (or to nothing) for an unknown code, and
    // 'GB' alone lacks England's August bank holiday, so the region defaults to England for GB.
    const region = options.region?.toUpperCase() ?? (country === 'GB' ? 'ENG' : undefined);
    const holidays = new Holidays();
    if (!Object.hasOwn(holidays.getCountries(), country)) throw new RangeError(`Unknown country for bank holidays: "${country}".`);
    if (region !== undefined && !Object.hasOwn(holidays.getStates(country) ?? {}, region)) {
      throw new RangeError(`Unknown region "${region}" of ${country} for bank holidays.`);
    }
    this.holidays = region === undefined ? new Holidays(country) : new Holidays(country, region);
  }

  /** Cached per year because reminder runs ask about thousands of dates. */
  private year(year: number): HolidayYear {
    let found = this.years.get(year);
    if (!found) {
      const names = new Map<string, string>();
      for (const h of this.holidays.getHolidays(year)) {
        const date = h.date.slice(0, 10);
        if (h.type === 'public' && !names.has(date)) names.set(date, h.name);
      }
      const weekdays = [...names.keys()].filter((d) => parse(d).weekday <= 5).sort();
      found = { names, weekdays };
      this.years.set(year, found);
    }
    return found;
  }

  /** The bank holiday's name, or undefined on any other day. */
  bankHoliday(date: string): string | undefined {
    return this.year(parse(date).year).names.get(date);
  }

  /** Monday to Friday and not a bank holiday. */
  isWorkingDay(date: string): boolean {
    const d = parse(date);
    return d.weekday <= 5 && !this.year(d.year).names.has(date);
  }

  /** The date itself if it is a working day, else the first working day after it. */
  nextWorkingDay(date: string): string {
    return this.walkToWorkingDay(date, 1);
  }

  /** The date itself if it is a working day, else the last working day before it. */
  previousWorkingDay(date: string): string {
    return this.walkToWorkingDay(date, -1);
  }

  /** Moves by `n` working days (back for negative n); 0 leaves the date as it is, working day or not. */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isInteger(n)) throw new RangeError(`A number of working days must be a whole number, not ${n}.`);
    let d = parse(date);
    const step = n < 0 ? -1 : 1;
    for (let left = Math.abs(n); left > 0;) {
      d = d.plus({ days: step });
      if (this.isWorkingDay(iso(d))) left--;
    }
    return iso(d);
  }

  /**
   * The number of working days d with from < d <= to; negative when `to` is before `from`, 0 when
   * equal. Counted arithmetically (weekdays, less the bank holidays on weekdays) rather than day by
   * day, since an action overdue since a years-old plan spans thousands of days.
   */
  workingDaysBetween(from: string, to: string): number {
    const [a, b] = [parse(from), parse(to)];
    if (from === to) return 0;
    if (to < from) return 0 - this.workingDaysBetween(to, from); // never -0, which is not 0 to Object.is
    const days = Math.round(b.diff(a, 'days').days);
    // Whole weeks hold five weekdays each; the few days left over are checked one by one.
    let count = Math.floor(days / 7) * 5;
    for (let k = 1; k <= days % 7; k++) {
      if (((a.weekday - 1 + k) % 7) + 1 <= 5) count++;
    }
    for (let y = a.year; y <= b.year; y++) {
      count -= this.year(y).weekdays.filter((h) => h > from && h <= to).length;
    }
    return count;
  }

  private walkToWorkingDay(date: string, step: 1 | -1): string {
    let d = parse(date);
    while (!this.isWorkingDay(iso(d))) d = d.plus({ days: step });
    return iso(d);
  }
}

/** Calendar arithmetic in UTC, where every day has 24 hours. */
function parse(date: string): DateTime<true> {
  const d = ISO_DATE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : null;
  if (!d?.isValid) throw new RangeError(`"${date}" is not an ISO calendar date (yyyy-mm-dd).`);
  return d;
}

function iso(d: DateTime<true>): string {
  return d.toISODate();
}
