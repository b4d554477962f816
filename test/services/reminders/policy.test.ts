import { DateTime } from 'luxon';
import { dueDateFor, reminderFor, type ReminderReason, type ReminderSubject } from '../../../services/reminders/policy';
import { DEFAULT_REMINDER_POLICY, reminderPolicySchema, type ReminderPolicy } from '../../../services/organisation/reminder-policy';
import { WorkingCalendar } from '../../../services/scheduling/calendar';

const calendar = new WorkingCalendar();
const LONDON = 'Europe/London';
const policy = DEFAULT_REMINDER_POLICY;

type Update = ReminderSubject['history'][number];

function dated(dates: string[], extra: Partial<ReminderSubject> = {}): ReminderSubject {
  return { open: true, due: { dates, ongoing: null, text: dates.join(' ') }, history: [], ...extra };
}

function ongoing(dates: string[] = [], extra: Partial<ReminderSubject> = {}): ReminderSubject {
  return { open: true, due: { dates, ongoing: { cadence: 'monthly' }, text: 'On-going' }, history: [], ...extra };
}

const teams = (at: string): Update => ({ at, source: 'teams' });
const imported = (at: string): Update => ({ at, source: 'import' });

const remind = (subject: ReminderSubject, today: string, p: ReminderPolicy = policy, timeZone = LONDON) => reminderFor(subject, today, p, calendar, timeZone);

/**
 * Runs the daily job over every day from `from` to `to`. Updates count from the day after they
 * are given, as the job runs first thing in the morning.
 */
function simulate(subject: ReminderSubject, from: string, to: string, p: ReminderPolicy = policy): [string, ReminderReason][] {
  const sent: [string, ReminderReason][] = [];
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! <= to; d = d.plus({ days: 1 })) {
    const today = d.toISODate()!;
    const history = subject.history.filter((h) => DateTime.fromISO(h.at).setZone(LONDON).toISODate()! < today);
    const reason = reminderFor({ ...subject, history }, today, p, calendar, LONDON);
    if (reason) sent.push([today, reason]);
  }
  return sent;
}

const kinds = (sent: [string, ReminderReason][]) => sent.map(([day, reason]) => [day, reason.kind]);

describe('dueDateFor', () => {
  it('is the owner’s revised date when there is one, whatever the plan says', () => {
    expect(dueDateFor({ due: dated(['2026-12-24']).due, revisedDueDate: '2027-02-26' }, '2026-12-01')).toBe('2027-02-26');
    expect(dueDateFor({ due: dated(['2027-03-31']).due, revisedDueDate: '2026-11-30' }, '2026-12-01')).toBe('2026-11-30');
  });

  it('is the first plan date on or after today', () => {
    const due = dated(['2026-10-30', '2026-12-24', '2027-03-31']).due;
    expect(dueDateFor({ due }, '2026-11-20')).toBe('2026-12-24');
    expect(dueDateFor({ due }, '2026-12-24')).toBe('2026-12-24');
    expect(dueDateFor({ due }, '2026-12-29')).toBe('2027-03-31');
  });

  it('is the last plan date once they have all passed, so the action shows as overdue', () => {
    expect(dueDateFor({ due: dated(['2026-10-30', '2026-12-24']).due }, '2027-01-05')).toBe('2026-12-24');
  });

  it('is undefined for an action with no dates', () => {
    expect(dueDateFor({ due: ongoing().due }, '2027-01-05')).toBeUndefined();
  });
});

describe('reminderFor', () => {
  describe('when nothing is sent at all', () => {
    it('sends nothing at the weekend, even on a day an overdue chaser would otherwise fall due', () => {
      // Due Fri 20 Nov; the rule would count 0 working days on Sat 21 and Sun 22.
      expect(remind(dated(['2026-11-20']), '2026-11-21')).toBeNull();
      expect(remind(dated(['2026-11-20']), '2026-11-22')).toBeNull();
      expect(remind(dated(['2026-11-20']), '2026-11-27')).toEqual({ kind: 'overdue', dueDate: '2026-11-20', workingDaysOverdue: 5 });
    });

    it('sends nothing on a bank holiday, even for an action due that very day', () => {
      expect(remind(dated(['2026-12-25']), '2026-12-25')).toBeNull();
      expect(remind(dated(['2027-03-29']), '2027-03-29')).toBeNull();
    });

    it('sends nothing about a closed action', () => {
      expect(remind(dated(['2026-12-24'], { open: false }), '2026-12-24')).toBeNull();
      expect(remind(dated(['2026-12-24'], { open: false }), '2027-01-05')).toBeNull();
      expect(remind(ongoing([], { open: false }), '2026-12-01')).toBeNull();
    });

    it('sends nothing while snoozed, up to and including the snoozed-until date', () => {
      const snoozed = dated(['2026-12-24'], { snoozedUntil: '2026-12-24' });
      expect(remind(snoozed, '2026-12-23')).toBeNull();
      expect(remind(snoozed, '2026-12-24')).toBeNull();
      expect(remind({ ...snoozed, snoozedUntil: '2026-12-23' }, '2026-12-24')).toEqual({ kind: 'due-today', dueDate: '2026-12-24' });
    });

    it('sends nothing about an action with no dates that is not ongoing', () => {
      expect(remind(dated([]), '2026-12-01')).toBeNull();
    });
  });

  describe('due soon and due today', () => {
    it('reminds 14, 7 and 1 working days before the due date', () => {
      expect(remind(dated(['2026-12-24']), '2026-12-04')).toEqual({ kind: 'due-soon', dueDate: '2026-12-24', workingDaysLeft: 14 });
      expect(remind(dated(['2026-12-24']), '2026-12-15')).toEqual({ kind: 'due-soon', dueDate: '2026-12-24', workingDaysLeft: 7 });
      expect(remind(dated(['2026-12-24']), '2026-12-23')).toEqual({ kind: 'due-soon', dueDate: '2026-12-24', workingDaysLeft: 1 });
      expect(remind(dated(['2026-12-24']), '2026-12-22')).toBeNull();
    });

    it('reminds on the due day itself', () => {
      expect(remind(dated(['2026-12-24']), '2026-12-24')).toEqual({ kind: 'due-today', dueDate: '2026-12-24' });
    });

    it('stays quiet on the due day when the organisation turned that reminder off', () => {
      expect(remind(dated(['2026-12-24']), '2026-12-24', { ...policy, onDueDay: false })).toBeNull();
    });

    it('follows the organisation’s own days before', () => {
      const p = { ...policy, beforeDue: [3] };
      expect(remind(dated(['2026-12-24']), '2026-12-21', p)).toEqual({ kind: 'due-soon', dueDate: '2026-12-24', workingDaysLeft: 3 });
      expect(remind(dated(['2026-12-24']), '2026-12-23', p)).toBeNull();
    });

    it('counts the days before in working days: 1 working day before Tue 29 Dec 2026 is Christmas Eve', () => {
      expect(remind(dated(['2026-12-29']), '2026-12-24')).toEqual({ kind: 'due-soon', dueDate: '2026-12-29', workingDaysLeft: 1 });
      expect(remind(dated(['2027-03-30']), '2027-03-25')).toEqual({ kind: 'due-soon', dueDate: '2027-03-30', workingDaysLeft: 1 });
    });

    it('follows the owner’s revised due date rather than the plan’s', () => {
      const revised = dated(['2026-12-24'], { revisedDueDate: '2027-01-29' });
      expect(remind(revised, '2026-12-24')).toBeNull();
      expect(remind(revised, '2027-01-29')).toEqual({ kind: 'due-today', dueDate: '2027-01-29' });
    });

    it('moves on to the next plan date once one has passed', () => {
      const twice = dated(['2026-12-24', '2027-01-29']);
      expect(remind(twice, '2027-01-28')).toEqual({ kind: 'due-soon', dueDate: '2027-01-29', workingDaysLeft: 1 });
      // 5 working days after 24 Dec, but the next date is ahead, so it is not chased.
      expect(remind(twice, '2027-01-05')).toBeNull();
    });
  });

  describe('due dates on non-working days', () => {
    it('a reminder due on Boxing Day substitute goes out on the working day before', () => {
      // Mon 28 Dec 2026 is the substitute day; Fri 25 is Christmas Day, so the due day is Thu 24.
      const boxingDay = dated(['2026-12-28']);
      expect(remind(boxingDay, '2026-12-24')).toEqual({ kind: 'due-today', dueDate: '2026-12-28' });
      expect(remind(boxingDay, '2026-12-23')).toEqual({ kind: 'due-soon', dueDate: '2026-12-28', workingDaysLeft: 1 });
      expect(remind(boxingDay, '2026-12-29')).toBeNull();
    });

    it('a Saturday due date is due on the Friday before, and the days before count from that Friday', () => {
      const saturday = dated(['2026-11-28']);
      expect(remind(saturday, '2026-11-27')).toEqual({ kind: 'due-today', dueDate: '2026-11-28' });
      expect(remind(saturday, '2026-11-18')).toEqual({ kind: 'due-soon', dueDate: '2026-11-28', workingDaysLeft: 7 });
      // Overdue is counted from Friday 27 too: 5 working days later is Friday 4 December.
      expect(remind(saturday, '2026-12-04')).toEqual({ kind: 'overdue', dueDate: '2026-11-28', workingDaysOverdue: 5 });
    });

    it('an update in Teams on the shifted due day counts as on time and stops the chasers', () => {
      const saturday = dated(['2026-11-28'], { history: [teams('2026-11-27T15:00:00Z')] });
      expect(remind(saturday, '2026-12-04')).toBeNull();
    });
  });

  describe('overdue', () => {
    it('chases every 5 working days after the due day and not in between', () => {
      const late = dated(['2026-11-20']);
      expect(remind(late, '2026-11-26')).toBeNull();
      expect(remind(late, '2026-11-27')).toEqual({ kind: 'overdue', dueDate: '2026-11-20', workingDaysOverdue: 5 });
      expect(remind(late, '2026-12-04')).toEqual({ kind: 'overdue', dueDate: '2026-11-20', workingDaysOverdue: 10 });
    });

    it('follows the organisation’s own interval', () => {
      const p = { ...policy, overdueEvery: 2 };
      expect(remind(dated(['2026-11-20']), '2026-11-24', p)).toEqual({ kind: 'overdue', dueDate: '2026-11-20', workingDaysOverdue: 2 });
      expect(remind(dated(['2026-11-20']), '2026-11-25', p)).toBeNull();
    });

    it('keeps counting for an action overdue since a years-old plan', () => {
      const old = dated(['2015-06-09']);
      const n = calendar.workingDaysBetween('2015-06-09', '2026-12-01');
      const chaseDay = calendar.addWorkingDays('2026-12-01', 5 - (n % 5));
      expect(remind(old, chaseDay)).toEqual({ kind: 'overdue', dueDate: '2015-06-09', workingDaysOverdue: n + 5 - (n % 5) });
    });

    it('an update in Teams on or after the due date stops the chasers', () => {
      expect(remind(dated(['2026-11-20'], { history: [teams('2026-11-20T16:00:00Z')] }), '2026-11-27')).toBeNull();
      expect(remind(dated(['2026-11-20'], { history: [teams('2026-11-24T09:00:00Z')] }), '2026-12-04')).toBeNull();
    });

    it('an update given before the due date does not stop them', () => {
      expect(remind(dated(['2026-11-20'], { history: [teams('2026-11-19T16:00:00Z')] }), '2026-11-27')).toEqual({
        kind: 'overdue',
        dueDate: '2026-11-20',
        workingDaysOverdue: 5,
      });
    });

    it('a status from an imported file does not stop them: only the owner’s update in Teams does', () => {
      expect(remind(dated(['2026-11-20'], { history: [imported('2026-11-24T09:00:00Z')] }), '2026-11-27')).toEqual({
        kind: 'overdue',
        dueDate: '2026-11-20',
        workingDaysOverdue: 5,
      });
    });

    it('reads an update’s date in the organisation’s time zone: 23:30 UTC on 29 March 2026 is 30 March in London (BST)', () => {
      // Due Mon 30 Mar 2026; 5 working days later is Wed 8 Apr, after Good Friday and Easter Monday.
      const late = dated(['2026-03-30'], { history: [teams('2026-03-29T23:30:00Z')] });
      expect(remind(late, '2026-04-08', policy, LONDON)).toBeNull();
      expect(remind(late, '2026-04-08', policy, 'UTC')).toEqual({ kind: 'overdue', dueDate: '2026-03-30', workingDaysOverdue: 5 });
    });
  });

  describe('ongoing actions', () => {
    it('ask for an update on the first working day of each month', () => {
      expect(remind(ongoing(), '2026-12-01')).toEqual({ kind: 'periodic', period: '2026-12' });
      expect(remind(ongoing(), '2026-12-02')).toBeNull();
      // 1 Jan 2027 is a bank holiday and 2–3 are the weekend.
      expect(remind(ongoing(), '2027-01-04')).toEqual({ kind: 'periodic', period: '2027-01' });
    });

    it('ask only once a quarter (January, April, July, October) when the organisation says so', () => {
      const p: ReminderPolicy = { ...policy, ongoingCadence: 'quarterly' };
      expect(remind(ongoing(), '2027-01-04', p)).toEqual({ kind: 'periodic', period: '2027-Q1' });
      expect(remind(ongoing(), '2027-02-01', p)).toBeNull();
      expect(remind(ongoing(), '2027-04-01', p)).toEqual({ kind: 'periodic', period: '2027-Q2' });
      expect(remind(ongoing(), '2027-07-01', p)).toEqual({ kind: 'periodic', period: '2027-Q3' });
      expect(remind(ongoing(), '2027-10-01', p)).toEqual({ kind: 'periodic', period: '2027-Q4' });
    });

    it('do not ask when already updated in Teams in that period, even before its first working day', () => {
      expect(remind(ongoing([], { history: [teams('2027-01-02T10:00:00Z')] }), '2027-01-04')).toBeNull();
      expect(remind(ongoing([], { history: [teams('2026-12-31T10:00:00Z')] }), '2027-01-04')).toEqual({ kind: 'periodic', period: '2027-01' });
      expect(remind(ongoing([], { history: [imported('2027-01-02T10:00:00Z')] }), '2027-01-04')).toEqual({ kind: 'periodic', period: '2027-01' });
    });

    it('place an update in its period by the local date: 23:30 UTC on 31 March 2026 is April in London', () => {
      const updated = ongoing([], { history: [teams('2026-03-31T23:30:00Z')] });
      expect(remind(updated, '2026-04-01', policy, LONDON)).toBeNull();
      expect(remind(updated, '2026-04-01', policy, 'UTC')).toEqual({ kind: 'periodic', period: '2026-04' });
    });

    it('are reminded of a plan date still ahead like any other action', () => {
      expect(remind(ongoing(['2026-12-24']), '2026-12-23')).toEqual({ kind: 'due-soon', dueDate: '2026-12-24', workingDaysLeft: 1 });
      expect(remind(ongoing(['2026-12-24']), '2026-12-24')).toEqual({ kind: 'due-today', dueDate: '2026-12-24' });
      // On the first working day of December the date is still ahead: no periodic request yet.
      expect(remind(ongoing(['2026-12-24']), '2026-12-01')).toBeNull();
    });

    it('are never overdue: once their dates have passed they get the periodic request instead', () => {
      expect(remind(ongoing(['2026-12-24']), '2027-01-05')).toBeNull();
      expect(remind(ongoing(['2026-12-24']), '2027-01-04')).toEqual({ kind: 'periodic', period: '2027-01' });
      expect(remind(ongoing([], { revisedDueDate: '2026-12-24' }), '2027-01-05')).toBeNull();
      expect(remind(ongoing([], { revisedDueDate: '2026-12-24' }), '2027-01-04')).toEqual({ kind: 'periodic', period: '2027-01' });
    });

    it('are not asked while snoozed over the first working day', () => {
      expect(remind(ongoing([], { snoozedUntil: '2026-12-02' }), '2026-12-01')).toBeNull();
    });
  });
});

describe('a season of daily runs (Christmas 2026, default policy)', () => {
  /*
   * One action due Thu 24 Dec 2026, every day from Fri 20 Nov 2026 to Sun 31 Jan 2027.
   * Working days before 24 Dec: 23 (1), 22 (2), 21 (3), 18 (4), 17, 16, 15 (7), 14, 11, 10, 9, 8, 7,
   * 4 Dec (14). After it: 25 Dec Christmas, 26–27 weekend, 28 the Boxing Day substitute, so
   * 29 (1), 30 (2), 31 (3); 1 Jan New Year's Day, 2–3 weekend; 4 Jan (4), 5 Jan (5), …, 12 Jan (10),
   * 19 Jan (15), 26 Jan (20).
   */
  const expected: [string, ReminderReason][] = [
    ['2026-12-04', { kind: 'due-soon', dueDate: '2026-12-24', workingDaysLeft: 14 }],
    ['2026-12-15', { kind: 'due-soon', dueDate: '2026-12-24', workingDaysLeft: 7 }],
    ['2026-12-23', { kind: 'due-soon', dueDate: '2026-12-24', workingDaysLeft: 1 }],
    ['2026-12-24', { kind: 'due-today', dueDate: '2026-12-24' }],
    ['2027-01-05', { kind: 'overdue', dueDate: '2026-12-24', workingDaysOverdue: 5 }],
    ['2027-01-12', { kind: 'overdue', dueDate: '2026-12-24', workingDaysOverdue: 10 }],
    ['2027-01-19', { kind: 'overdue', dueDate: '2026-12-24', workingDaysOverdue: 15 }],
    ['2027-01-26', { kind: 'overdue', dueDate: '2026-12-24', workingDaysOverdue: 20 }],
  ];

  it('reminds 14, 7 and 1 working days before, on the day, then every 5 working days overdue', () => {
    expect(simulate(dated(['2026-12-24']), '2026-11-20', '2027-01-31')).toEqual(expected);
  });

  it('an update in Teams on Tue 5 Jan 2027 stops the overdue chasers after that day’s one', () => {
    const updated = dated(['2026-12-24'], { history: [teams('2027-01-05T11:15:00Z')] });
    expect(kinds(simulate(updated, '2026-11-20', '2027-01-31'))).toEqual([
      ['2026-12-04', 'due-soon'],
      ['2026-12-15', 'due-soon'],
      ['2026-12-23', 'due-soon'],
      ['2026-12-24', 'due-today'],
      ['2027-01-05', 'overdue'],
    ]);
  });

  it('an update in Teams before the due date does not stop them', () => {
    const early = dated(['2026-12-24'], { history: [teams('2026-12-16T09:00:00Z')] });
    expect(simulate(early, '2026-11-20', '2027-01-31')).toEqual(expected);
  });

  it('a snooze of 3 working days from 11 Dec skips the 7-days reminder on 15 Dec only', () => {
    // Snoozed on Fri 11 Dec for 3 working days: until Wed 16 Dec.
    const snoozed = dated(['2026-12-24'], { snoozedUntil: calendar.addWorkingDays('2026-12-11', 3) });
    expect(snoozed.snoozedUntil).toBe('2026-12-16');
    expect(simulate(snoozed, '2026-12-11', '2027-01-31')).toEqual(expected.filter(([day]) => day >= '2026-12-11' && day !== '2026-12-15'));
  });

  /*
   * An ongoing monthly action with no dates, Sun 1 Nov 2026 to Sun 28 Feb 2027. First working days:
   * Mon 2 Nov (1 Nov is a Sunday), Tue 1 Dec, Mon 4 Jan (1 Jan New Year's Day, 2–3 weekend),
   * Mon 1 Feb. Nothing else: it is never overdue.
   */
  it('an ongoing monthly action is asked on the first working day of each month, Nov 2026 to Feb 2027', () => {
    expect(simulate(ongoing(), '2026-11-01', '2027-02-28')).toEqual([
      ['2026-11-02', { kind: 'periodic', period: '2026-11' }],
      ['2026-12-01', { kind: 'periodic', period: '2026-12' }],
      ['2027-01-04', { kind: 'periodic', period: '2027-01' }],
      ['2027-02-01', { kind: 'periodic', period: '2027-02' }],
    ]);
  });

  it('an ongoing action updated in Teams on Sat 2 Jan 2027 is not asked again in January', () => {
    // 31 Dec counts for December, which was already asked about; 2 Jan counts for January.
    const updated = ongoing([], { history: [teams('2026-12-31T14:00:00Z'), teams('2027-01-02T10:00:00Z')] });
    expect(kinds(simulate(updated, '2026-11-01', '2027-02-28'))).toEqual([
      ['2026-11-02', 'periodic'],
      ['2026-12-01', 'periodic'],
      ['2027-02-01', 'periodic'],
    ]);
  });

  it('an ongoing action with a date on 24 Dec is reminded of it, then asked monthly, never chased as overdue', () => {
    // On 2 Nov and 1 Dec the date is still ahead, so there is no periodic request, and they are
    // 38 and 17 working days before it, which are not reminder days.
    expect(kinds(simulate(ongoing(['2026-12-24']), '2026-11-01', '2027-02-28'))).toEqual([
      ['2026-12-04', 'due-soon'],
      ['2026-12-15', 'due-soon'],
      ['2026-12-23', 'due-soon'],
      ['2026-12-24', 'due-today'],
      ['2027-01-04', 'periodic'],
      ['2027-02-01', 'periodic'],
    ]);
  });
});

describe('reminderPolicySchema', () => {
  it('accepts the default policy', () => {
    expect(reminderPolicySchema.parse(DEFAULT_REMINDER_POLICY)).toEqual(DEFAULT_REMINDER_POLICY);
  });

  it('accepts an organisation’s own policy merged over the defaults', () => {
    const own = { ...DEFAULT_REMINDER_POLICY, beforeDue: [10, 5, 2], overdueEvery: 3, ongoingCadence: 'quarterly' };
    expect(reminderPolicySchema.safeParse(own).success).toBe(true);
  });

  it.each([
    ['a zero day', { beforeDue: [0] }],
    ['a negative interval', { overdueEvery: -5 }],
    ['a fraction of a day', { overdueEvery: 2.5 }],
    ['more than 60 working days', { beforeDue: [61] }],
    ['a snooze beyond 60 working days', { snoozeChoices: [1, 90] }],
    ['no snooze choices', { snoozeChoices: [] }],
    ['a repeated snooze choice', { snoozeChoices: [3, 3] }],
    ['a repeated day before', { beforeDue: [7, 7] }],
    ['an unknown cadence', { ongoingCadence: 'annual' }],
    ['a due-day flag that is not a boolean', { onDueDay: 'yes' }],
  ])('refuses %s', (_, override) => {
    expect(reminderPolicySchema.safeParse({ ...DEFAULT_REMINDER_POLICY, ...override }).success).toBe(false);
  });

  it('validates a partial override on its own, as the settings screen does', () => {
    expect(reminderPolicySchema.partial().safeParse({ overdueEvery: 10 }).success).toBe(true);
    expect(reminderPolicySchema.partial().safeParse({ overdueEvery: 0 }).success).toBe(false);
  });
});
