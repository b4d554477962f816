import { DateTime } from 'luxon';

export type Cadence = 'monthly' | 'quarterly' | 'six-monthly' | 'annual' | 'unspecified';

export type DueSchedule = {
  /** ISO dates, ascending, unique. */
  dates: string[];
  ongoing: { cadence: Cadence } | null;
  /** The cell as written, whitespace-normalised. */
  text: string;
};

export type DueParseResult = { ok: true; value: DueSchedule; warnings: string[] } | { ok: false; reason: string };

/*
 * How a plan's "Completion date" cell is read. Real plans are written by hand, so every rule is
 * explicit and anything else is reported rather than guessed:
 *   "9th June 2019", "19 March 2015", "2015-06-09", "09/06/2015" (day/month/year) → that day
 *   "April 2015", "Oct 2015", "Sept 2015"                                        → the end of that month
 *   "Before October 2015"                                                         → the end of the month before
 *   "Feb/March 2015", "April 2015 – June 2015", "April May 2015", "March to June 2015"
 *                                                                                 → the end of the later month
 *   several dates in one cell ("March 2015 19th March 2015", "… and Review April 2015") → each of them
 *   "On-going", "then monthly", "quarterly", "6 monthly", "annually"              → ongoing, with its cadence
 * Refused: a month with no year anywhere in its phrase ("March On-going"), a year outside
 * 2000–2100 ("October 2915"), an impossible day ("31st June 2015"), any other word.
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

/** Words that join dates without changing them. */
const FILLER = new Set([
  'and',
  'then',
  'review',
  'reviewed',
  'by',
  'of',
  'the',
  'on',
  'in',
  'from',
  'end',
  'at',
  'latest',
  'due',
  'date',
  'dates',
  'approx',
  'approximately',
  'c',
]);

const CADENCES: [RegExp, Cadence][] = [
  [/\b(?:6|six)[\s-]?monthly\b|\bbi-?annual(?:ly)?\b|\bhalf[\s-]?yearly\b/g, 'six-monthly'],
  [/\bquarterly\b/g, 'quarterly'],
  [/\bmonthly\b/g, 'monthly'],
  [/\bannual(?:ly)?\b|\byearly\b/g, 'annual'],
  [/\bon[\s-]?going\b/g, 'unspecified'],
];

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

type Token =
  | { kind: 'date'; iso: string; raw: string }
  | { kind: 'day'; day: number; raw: string }
  | { kind: 'month'; month: number; raw: string }
  | { kind: 'year'; year: number; raw: string }
  | { kind: 'range' }
  | { kind: 'before' }
  | { kind: 'word'; raw: string };

type Item = { day?: number; month: number; year?: number; raw: string };

class Unreadable extends Error {}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /(\d{4}-\d{2}-\d{2})|(\d{1,2})\/(\d{1,2})\/(\d{4})|(\d+)(?:st|nd|rd|th)?|([a-z]+)|([/–—-])|(\S)/g;
  for (const m of text.matchAll(pattern)) {
    const [raw] = m;
    if (m[1]) {
      tokens.push({ kind: 'date', iso: m[1], raw });
    } else if (m[2]) {
      tokens.push({ kind: 'date', iso: `${m[4]}-${m[3]!.padStart(2, '0')}-${m[2].padStart(2, '0')}`, raw });
    } else if (m[5]) {
      const n = Number(m[5]);
      if (m[5].length === 4) tokens.push({ kind: 'year', year: n, raw });
      else if (m[5].length <= 2 && n >= 1) tokens.push({ kind: 'day', day: n, raw });
      else throw new Unreadable(`"${raw}" is neither a day nor a year`);
    } else if (m[6]) {
      const word = m[6];
      if (MONTHS[word]) tokens.push({ kind: 'month', month: MONTHS[word]!, raw });
      else if (word === 'to' || word === 'until') tokens.push({ kind: 'range' });
      else if (word === 'before') tokens.push({ kind: 'before' });
      else if (!FILLER.has(word)) tokens.push({ kind: 'word', raw: word });
    } else if (m[7]) {
      tokens.push({ kind: 'range' });
    }
    // Other punctuation (commas, full stops, brackets) separates nothing that matters.
  }
  return tokens;
}

function checkedYear(year: number, raw: string): number {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new Unreadable(`year ${raw} is not plausible`);
  return year;
}

function isoOf(item: Item): string {
  const year = item.year!;
  if (item.day === undefined) return DateTime.fromObject({ year, month: item.month }).endOf('month').toISODate()!;
  const date = DateTime.fromObject({ year, month: item.month, day: item.day });
  if (!date.isValid) throw new Unreadable(`"${item.raw}" is not a real date`);
  return date.toISODate()!;
}

/** Turns the tokens into dates: each phrase is a day, a month, a range of months, or "before" one of those. */
function datesOf(tokens: Token[]): string[] {
  const dates: string[] = [];
  let i = 0;
  const peek = () => tokens[i];

  const readItem = (): Item | undefined => {
    const start = i;
    let day: number | undefined;
    const t = peek();
    if (t?.kind === 'day') {
      day = t.day;
      i++;
    }
    const m = peek();
    if (m?.kind !== 'month') {
      i = start;
      return undefined;
    }
    i++;
    const y = peek();
    const item: Item = {
      month: m.month,
      raw: [day !== undefined ? (t as { raw: string }).raw : '', m.raw, y?.kind === 'year' ? y.raw : ''].filter(Boolean).join(' '),
    };
    if (day !== undefined) item.day = day;
    if (y?.kind === 'year') {
      item.year = checkedYear(y.year, y.raw);
      i++;
    }
    return item;
  };

  let before = false;
  while (i < tokens.length) {
    const t = peek()!;
    if (t.kind === 'before') {
      before = true;
      i++;
      continue;
    }
    if (t.kind === 'date') {
      const [y] = t.iso.split('-');
      checkedYear(Number(y), y!);
      const date = DateTime.fromISO(t.iso);
      if (!date.isValid) throw new Unreadable(`"${t.raw}" is not a real date`);
      dates.push(before ? date.minus({ days: 1 }).toISODate()! : t.iso);
      before = false;
      i++;
      continue;
    }
    if (t.kind === 'word') throw new Unreadable(`unrecognised word "${t.raw}"`);
    if (t.kind === 'year') throw new Unreadable(`"${t.raw}" has no month`);
    if (t.kind === 'range') {
      i++;
      continue;
    }
    const first = readItem();
    if (!first) throw new Unreadable(`"${t.kind === 'day' ? t.raw : ''}" is not followed by a month`);
    // A second month straight after, or after a dash, slash or "to", makes a range: due by its end.
    let last = first;
    const afterFirst = i;
    if (peek()?.kind === 'range') i++;
    const second = first.year === undefined || tokens[afterFirst]?.kind === 'range' ? readItem() : undefined;
    if (second) last = second;
    else i = afterFirst;
    if (first.year === undefined) {
      if (last.year === undefined) throw new Unreadable(`"${first.raw}" has no year`);
      first.year = last.year;
    }
    if (last.year === undefined) throw new Unreadable(`"${last.raw}" has no year`);
    if (second && isoOf(second) < isoOf(first)) throw new Unreadable(`the range "${first.raw} – ${second.raw}" ends before it starts`);
    let iso = isoOf(last);
    if (before)
      iso = DateTime.fromISO(last.day === undefined ? DateTime.fromISO(iso).startOf('month').toISODate()! : iso)
        .minus({ days: 1 })
        .toISODate()!;
    dates.push(iso);
    before = false;
  }
  if (before) throw new Unreadable('"before" is not followed by a date');
  return [...new Set(dates)].sort();
}

export function parseDueText(text: string): DueParseResult {
  const normalised = text.replace(/\s+/g, ' ').trim();
  if (!normalised) return { ok: false, reason: 'no completion date' };
  let rest = normalised.toLowerCase();
  let cadence: Cadence | undefined;
  for (const [pattern, kind] of CADENCES) {
    if (pattern.test(rest)) {
      // A named cadence wins over a bare "on-going".
      if (cadence === undefined || cadence === 'unspecified') cadence = kind;
      rest = rest.replace(pattern, ' ');
    }
    pattern.lastIndex = 0;
  }
  try {
    const dates = datesOf(tokenize(rest));
    if (dates.length === 0 && cadence === undefined) return { ok: false, reason: 'no date found' };
    const warnings: string[] = [];
    if (dates.length > 1) {
      const span = DateTime.fromISO(dates[dates.length - 1]!).diff(DateTime.fromISO(dates[0]!), 'years').years;
      if (span > 2) warnings.push(`its dates span ${Math.floor(span)} years (${dates[0]} to ${dates[dates.length - 1]}): check for a typo`);
    }
    return { ok: true, value: { dates, ongoing: cadence ? { cadence } : null, text: normalised }, warnings };
  } catch (e) {
    if (e instanceof Unreadable) return { ok: false, reason: e.message };
    throw e;
  }
}
