import Holidays from 'date-holidays';
import fc from 'fast-check';
import { runs } from '../../fast-check-setup';
import { DateTime } from 'luxon';
import { WorkingCalendar } from '../../../services/scheduling/calendar';

const calendar = new WorkingCalendar();

/** Every date from `from` to `to` inclusive. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! <= to; d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

/** The working days between two dates by walking them one at a time: the slow, obvious oracle. */
function countByWalking(cal: WorkingCalendar, from: string, to: string): number {
  if (from === to) return 0;
  const [start, end, sign] = from < to ? [from, to, 1] : [to, from, -1];
  const count = days(start, end).filter((d) => d > start && cal.isWorkingDay(d)).length;
  return sign > 0 ? count : 0 - count;
}

describe('WorkingCalendar (England & Wales by default)', () => {
  describe('Christmas 2026: Christmas Day on Friday, Boxing Day on Saturday with its substitute on Monday 28 December', () => {
    it('names the bank holidays, including the substitute day', () => {
      expect(calendar.bankHoliday('2026-12-25')).toBe('Christmas Day');
      expect(calendar.bankHoliday('2026-12-28')).toMatch(/Boxing Day.*substitute/i);
      expect(calendar.bankHoliday('2026-12-24')).toBeUndefined();
      expect(calendar.bankHoliday('2026-12-29')).toBeUndefined();
    });

    it('works on Christmas Eve and from Tuesday 29 December, and not from Friday 25 to Monday 28', () => {
      expect(days('2026-12-23', '2026-12-31').map((d) => [d, calendar.isWorkingDay(d)])).toEqual([
        ['2026-12-23', true],
        ['2026-12-24', true],
        ['2026-12-25', false],
        ['2026-12-26', false],
        ['2026-12-27', false],
        ['2026-12-28', false],
        ['2026-12-29', true],
        ['2026-12-30', true],
        ['2026-12-31', true],
      ]);
    });

    it('moves to the next or previous working day across the four days off', () => {
      expect(calendar.nextWorkingDay('2026-12-25')).toBe('2026-12-29');
      expect(calendar.nextWorkingDay('2026-12-28')).toBe('2026-12-29');
      expect(calendar.previousWorkingDay('2026-12-28')).toBe('2026-12-24');
      expect(calendar.previousWorkingDay('2026-12-26')).toBe('2026-12-24');
    });

    it('adds working days over Christmas', () => {
      expect(calendar.addWorkingDays('2026-12-24', 1)).toBe('2026-12-29');
      expect(calendar.addWorkingDays('2026-12-29', -1)).toBe('2026-12-24');
      expect(calendar.addWorkingDays('2026-12-23', 3)).toBe('2026-12-30');
    });

    it('counts one working day between Christmas Eve and Tuesday 29 December', () => {
      expect(calendar.workingDaysBetween('2026-12-24', '2026-12-29')).toBe(1);
      expect(calendar.workingDaysBetween('2026-12-24', '2026-12-28')).toBe(0);
    });
  });

  describe('Easter 2027: Good Friday 26 March, Easter Monday 29 March', () => {
    it('treats Good Friday and Easter Monday as bank holidays but not Easter Sunday as one', () => {
      expect(calendar.bankHoliday('2027-03-26')).toBe('Good Friday');
      expect(calendar.bankHoliday('2027-03-29')).toBe('Easter Monday');
      expect(calendar.bankHoliday('2027-03-28')).toBeUndefined();
      expect(calendar.isWorkingDay('2027-03-25')).toBe(true);
      expect(calendar.isWorkingDay('2027-03-26')).toBe(false);
      expect(calendar.isWorkingDay('2027-03-29')).toBe(false);
      expect(calendar.isWorkingDay('2027-03-30')).toBe(true);
    });

    it('steps from the Thursday before Easter straight to the Tuesday after', () => {
      expect(calendar.addWorkingDays('2027-03-25', 1)).toBe('2027-03-30');
      expect(calendar.addWorkingDays('2027-03-30', -1)).toBe('2027-03-25');
      expect(calendar.workingDaysBetween('2027-03-25', '2027-03-30')).toBe(1);
      expect(calendar.nextWorkingDay('2027-03-26')).toBe('2027-03-30');
      expect(calendar.previousWorkingDay('2027-03-29')).toBe('2027-03-25');
    });
  });

  describe('the late-May and August bank holidays (last Mondays)', () => {
    it.each([
      ['2026-05-25', 'Spring bank holiday'],
      ['2027-05-31', 'Spring bank holiday'],
      ['2026-08-31', 'Summer bank holiday'],
      ['2027-08-30', 'Summer bank holiday'],
      ['2026-05-04', 'Early May bank holiday'],
    ])('%s is the %s', (date, name) => {
      expect(calendar.bankHoliday(date)).toBe(name);
      expect(calendar.isWorkingDay(date)).toBe(false);
      expect(calendar.previousWorkingDay(date)).toBe(DateTime.fromISO(date).minus({ days: 3 }).toISODate());
      expect(calendar.nextWorkingDay(date)).toBe(DateTime.fromISO(date).plus({ days: 1 }).toISODate());
    });

    it('counts a bank holiday week as four working days', () => {
      expect(calendar.workingDaysBetween('2026-08-28', '2026-09-04')).toBe(4);
      expect(calendar.workingDaysBetween('2027-05-28', '2027-06-04')).toBe(4);
    });
  });

  describe('weekends', () => {
    it('Saturday and Sunday are not working days and are not bank holidays', () => {
      expect(calendar.isWorkingDay('2026-11-21')).toBe(false);
      expect(calendar.isWorkingDay('2026-11-22')).toBe(false);
      expect(calendar.bankHoliday('2026-11-21')).toBeUndefined();
      expect(calendar.isWorkingDay('2026-11-20')).toBe(true);
      expect(calendar.isWorkingDay('2026-11-23')).toBe(true);
    });

    it('a weekday is its own next and previous working day; a weekend day moves to Monday or Friday', () => {
      expect(calendar.nextWorkingDay('2026-11-20')).toBe('2026-11-20');
      expect(calendar.previousWorkingDay('2026-11-20')).toBe('2026-11-20');
      expect(calendar.nextWorkingDay('2026-11-21')).toBe('2026-11-23');
      expect(calendar.previousWorkingDay('2026-11-22')).toBe('2026-11-20');
    });

    it('adding five working days is a calendar week when no bank holiday is in the way', () => {
      expect(calendar.addWorkingDays('2026-11-18', 5)).toBe('2026-11-25');
      expect(calendar.addWorkingDays('2026-11-25', -5)).toBe('2026-11-18');
      expect(calendar.workingDaysBetween('2026-11-18', '2026-11-25')).toBe(5);
    });

    it('adding from a weekend day counts from the weekend: one working day after Saturday is Monday', () => {
      expect(calendar.addWorkingDays('2026-11-21', 1)).toBe('2026-11-23');
      expect(calendar.addWorkingDays('2026-11-22', -1)).toBe('2026-11-20');
      expect(calendar.workingDaysBetween('2026-11-21', '2026-11-22')).toBe(0);
    });
  });

  describe('year boundaries', () => {
    it('one working day after New Year’s Eve 2026 is Monday 4 January 2027 (New Year’s Day on Friday)', () => {
      expect(calendar.bankHoliday('2027-01-01')).toBe("New Year's Day");
      expect(calendar.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
      expect(calendar.addWorkingDays('2027-01-04', -1)).toBe('2026-12-31');
      expect(calendar.nextWorkingDay('2027-01-01')).toBe('2027-01-04');
      expect(calendar.previousWorkingDay('2027-01-03')).toBe('2026-12-31');
    });

    it('counts working days across the new year, both ways', () => {
      // 29, 30, 31 December and 4 January.
      expect(calendar.workingDaysBetween('2026-12-24', '2027-01-04')).toBe(4);
      expect(calendar.workingDaysBetween('2027-01-04', '2026-12-24')).toBe(-4);
    });

    it('Christmas 2027 (a weekend) has substitutes on 27 and 28 December, and New Year 2028 (Saturday) one on 3 January', () => {
      expect(calendar.isWorkingDay('2027-12-27')).toBe(false);
      expect(calendar.isWorkingDay('2027-12-28')).toBe(false);
      expect(calendar.bankHoliday('2028-01-03')).toMatch(/New Year.*substitute/i);
      expect(calendar.addWorkingDays('2027-12-24', 1)).toBe('2027-12-29');
      expect(calendar.addWorkingDays('2027-12-31', 1)).toBe('2028-01-04');
      // 29, 30, 31 December and 4 January.
      expect(calendar.workingDaysBetween('2027-12-24', '2028-01-04')).toBe(4);
    });

    it('spans several years: 2026 has 253 working days in England', () => {
      expect(calendar.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(253);
      expect(calendar.workingDaysBetween('2026-12-31', '2025-12-31')).toBe(-253);
    });
  });

  describe('addWorkingDays and workingDaysBetween', () => {
    it('adding zero working days leaves any date as it is, even a bank holiday', () => {
      expect(calendar.addWorkingDays('2026-12-25', 0)).toBe('2026-12-25');
      expect(calendar.addWorkingDays('2026-12-24', 0)).toBe('2026-12-24');
    });

    it('counts nothing between a date and itself', () => {
      expect(calendar.workingDaysBetween('2026-12-24', '2026-12-24')).toBe(0);
      expect(calendar.workingDaysBetween('2026-12-25', '2026-12-25')).toBe(0);
    });

    it('counts the working days after `from` up to and including `to`', () => {
      // Mon 23 Nov to Fri 27 Nov: Tue, Wed, Thu, Fri.
      expect(calendar.workingDaysBetween('2026-11-23', '2026-11-27')).toBe(4);
      expect(calendar.workingDaysBetween('2026-11-27', '2026-11-23')).toBe(-4);
    });

    it('agrees with walking day by day, and adding then counting gives back n (2014–2030)', () => {
      const start = DateTime.fromISO('2014-01-01', { zone: 'utc' });
      const date = fc.integer({ min: 0, max: 16 * 366 }).map((n) => start.plus({ days: n }).toISODate()!);
      fc.assert(
        fc.property(date, fc.integer({ min: -400, max: 400 }), (from, offset) => {
          const to = DateTime.fromISO(from, { zone: 'utc' }).plus({ days: offset }).toISODate()!;
          expect(calendar.workingDaysBetween(from, to)).toBe(countByWalking(calendar, from, to));
        }),
        { numRuns: runs(300) },
      );
      fc.assert(
        fc.property(date, fc.integer({ min: -80, max: 80 }), (from, n) => {
          const to = calendar.addWorkingDays(from, n);
          expect(calendar.workingDaysBetween(from, to)).toBe(calendar.isWorkingDay(from) || n >= 0 ? n : n + 1);
          if (n !== 0) expect(calendar.isWorkingDay(to)).toBe(true);
        }),
        { numRuns: runs(300) },
      );
    });

    // Speed is the benchmarks' business; what keeps it fast is that each year's holidays are looked up once.
    it('counts a decade 5,000 times, looking each year’s holidays up only once', () => {
      const cal = new WorkingCalendar();
      let owner: object | null = Holidays.prototype;
      while (owner && !Object.hasOwn(owner, 'getHolidays')) owner = Object.getPrototypeOf(owner);
      const lookups = jest.spyOn(owner as { getHolidays: Holidays['getHolidays'] }, 'getHolidays');
      try {
        for (let i = 0; i < 5000; i++) cal.workingDaysBetween('2015-06-09', '2026-12-24');
        expect(cal.workingDaysBetween('2015-06-09', '2026-12-24')).toBe(countByWalking(cal, '2015-06-09', '2026-12-24'));
        expect(lookups).toHaveBeenCalledTimes(2026 - 2015 + 1);
      } finally {
        lookups.mockRestore();
      }
    });
  });

  describe('options and bad input', () => {
    it('uses another UK nation’s bank holidays when asked: Scotland’s summer holiday is in early August', () => {
      const scotland = new WorkingCalendar({ country: 'GB', region: 'SCT' });
      expect(scotland.isWorkingDay('2026-08-03')).toBe(false);
      expect(scotland.isWorkingDay('2026-08-31')).toBe(true);
      expect(scotland.bankHoliday('2026-11-30')).toMatch(/St Andrew/);
      expect(calendar.isWorkingDay('2026-11-30')).toBe(true);
    });

    it('defaults the region to England when only GB is given, so the August bank holiday is not lost', () => {
      expect(new WorkingCalendar({ country: 'GB' }).isWorkingDay('2026-08-31')).toBe(false);
    });

    it('ignores observances such as Mother’s Day and only counts bank (public) holidays', () => {
      expect(calendar.bankHoliday('2026-03-15')).toBeUndefined();
    });

    it('refuses an unknown country or region rather than silently having no bank holidays', () => {
      expect(() => new WorkingCalendar({ country: 'ZZ' })).toThrow(RangeError);
      expect(() => new WorkingCalendar({ country: 'GB', region: 'XX' })).toThrow(RangeError);
    });

    it('refuses dates that are not ISO calendar dates instead of looping forever', () => {
      expect(() => calendar.isWorkingDay('24/12/2026')).toThrow(RangeError);
      expect(() => calendar.nextWorkingDay('2026-02-30')).toThrow(RangeError);
      expect(() => calendar.workingDaysBetween('2026-12-24', '')).toThrow(RangeError);
      expect(() => calendar.addWorkingDays('2026-12-24', 1.5)).toThrow(RangeError);
    });
  });
});
