import fc from 'fast-check';
import { isNhsNumber, type IdentifyingKind } from '../../services/core/identifying';

/**
 * Generated identifiers as staff type them by habit, for the identifier guard's property tests:
 * dates of birth, NHS numbers (valid check digit), UK phone numbers, postcodes and addresses, each
 * in many formats and separators, and some disguised with characters a card or record does not
 * show (bidi controls, zero-widths) or shows as the same thing (other scripts' digits, look-alike
 * slashes, dashes and letters).
 */

/** Separators people put between date parts and inside numbers. `,` and `:` only between digits with no space (with spaces they are lists and times). */
const LOOSE_SEPARATORS = [' ', '-', '/', '.', '_', ' - ', ' / ', ' . ', ' _ '];
const TIGHT_SEPARATORS = [',', ':'];
const separator = fc.constantFrom(...LOOSE_SEPARATORS, ...TIGHT_SEPARATORS);
const pad2 = (n: number) => String(n).padStart(2, '0');
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ordinal = (d: number) => `${d}${d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th'}`;
const inCase = (text: string, c: 'as-is' | 'lower' | 'upper') => (c === 'lower' ? text.toLowerCase() : c === 'upper' ? text.toUpperCase() : text);
const letterCase = fc.constantFrom('as-is' as const, 'lower' as const, 'upper' as const);

const birthday = fc.record({ day: fc.integer({ min: 1, max: 28 }), month: fc.integer({ min: 1, max: 12 }), year: fc.integer({ min: 1930, max: 2026 }) });

const numericDate = fc
  .record({ d: birthday, order: fc.constantFrom('dmy', 'mdy', 'ymd'), padded: fc.boolean(), shortYear: fc.boolean(), gap: separator })
  .map(({ d, order, padded, shortYear, gap }) => {
    const day = padded ? pad2(d.day) : String(d.day);
    const month = padded ? pad2(d.month) : String(d.month);
    // One separator between the parts, used twice: 03/03/2015, 2015 - 03 - 03, 03_03_2015, 03:03:2015.
    if (order === 'ymd') return `${d.year}${gap}${month}${gap}${day}`;
    const [a, b] = order === 'dmy' ? [day, month] : [month, day];
    // Two-digit years written tight (3.3.15, 03_03_15, 3 3 15), never with a colon or comma: 10:11:12 is a time, 1,2,15 a list, "4.2. 15 staff" a sentence.
    const core = gap.trim() || ' ';
    if (shortYear && !TIGHT_SEPARATORS.includes(core)) return `${a}${core}${b}${core}${pad2(d.year % 100)}`;
    return `${a}${gap}${b}${gap}${d.year}`;
  });

const compactDate = fc
  .record({ d: birthday, form: fc.constantFrom('ddmmyyyy', 'yyyymmdd', 'ddmmyy') })
  .map(({ d, form }) =>
    form === 'ddmmyyyy'
      ? `${pad2(d.day)}${pad2(d.month)}${d.year}`
      : form === 'yyyymmdd'
        ? `${d.year}${pad2(d.month)}${pad2(d.day)}`
        : `${pad2(d.day)}${pad2(d.month)}${pad2(d.year % 100)}`,
  );

/** Between a month word and a number anything goes: the word makes it a date. */
const wordSeparator = fc.constantFrom(' ', '-', '/', '.', '_', ',', ':', ', ', ' - ', '. ');
const writtenDate = fc
  .record({
    d: birthday,
    order: fc.constantFrom('day-month-year', 'month-day-year', 'year-month-day'),
    month: fc.constantFrom('full', 'short', 'sept'),
    monthCase: letterCase,
    dayForm: fc.constantFrom('plain', 'padded', 'ordinal'),
    of: fc.boolean(),
    year: fc.constantFrom('full', 'short', 'apostrophe'),
    first: wordSeparator,
    second: wordSeparator,
  })
  .map(({ d, order, month, monthCase, dayForm, of, year, first, second }) => {
    const name = MONTH_NAMES[d.month - 1]!;
    const m = inCase(month === 'full' ? name : month === 'sept' && d.month === 9 ? 'Sept' : name.slice(0, 3), monthCase);
    const day = dayForm === 'padded' ? pad2(d.day) : dayForm === 'ordinal' ? ordinal(d.day) : String(d.day);
    if (order === 'year-month-day') return `${d.year}${first}${m}${second}${day}`;
    const y = year === 'full' ? String(d.year) : year === 'short' ? pad2(d.year % 100) : `'${pad2(d.year % 100)}`;
    // After a month and day, a colon or dot before two digits is a time: "March 15:30".
    if (order === 'month-day-year') return `${m}${first}${day}${year !== 'full' && /[:.]/.test(second) ? ' ' : second}${y}`;
    return `${day}${of && first === ' ' ? ' of ' : first}${m}${second}${y}`;
  });

/** A date of birth named as such, with or without the date: "DOB unknown", "d.o.b. to follow", "born on ...". */
const namedDateOfBirth = fc
  .tuple(
    fc.constantFrom('DOB', 'dob', 'D.O.B.', 'd.o.b', 'Date of birth', 'date of birth', 'Born', 'born on', 'birthday'),
    fc.constantFrom(' unknown', ' to follow', ': see the file', ''),
  )
  .map(([word, rest]) => `${word}${rest}`);

export const dateOfBirth = fc.oneof(numericDate, compactDate, writtenDate, namedDateOfBirth);

/** A ten-digit NHS number whose last digit is the Modulus 11 check digit of the first nine. */
export const nhsDigits = digits(9)
  .map((nine) => {
    const sum = [...nine].reduce((n, d, i) => n + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    return check === 10 ? '' : `${nine}${check === 11 ? 0 : check}`;
  })
  .filter((n) => n !== '' && isNhsNumber(n));

export const nhsNumber = fc.oneof(
  fc
    .record({ n: nhsDigits, grouped: fc.boolean(), sep: separator, label: fc.constantFrom('', 'NHS ', 'NHS no. ', 'nhs number ') })
    .map(({ n, grouped, sep, label }) => `${label}${grouped ? [n.slice(0, 3), n.slice(3, 6), n.slice(6)].join(sep) : n}`),
  // Labelled, any digits: part of a number, or one mistyped, is still one.
  fc
    .tuple(fc.constantFrom('NHS', 'NHS no', 'NHS no.', 'NHS number:', 'nhs#'), fc.constantFrom(' ', ''), fc.integer({ min: 1, max: 10 }).chain(digits))
    .map(([label, space, n]) => `${label}${space}${n}`),
);

/** UK numbers as dialled: area code and subscriber number, grouped as people write them. */
const ukNational = fc.oneof(
  digits(9).map((d) => ({ code: `07${d.slice(0, 3)}`, rest: d.slice(3) })), // mobile: 07700 900123
  digits(8).map((d) => ({ code: '020', rest: d })), // London: 020 7946 0958
  digits(6).map((d) => ({ code: '01865', rest: d })), // 01865 252209
  digits(7).map((d) => ({ code: '0113', rest: d })), // 0113 496 0000
  digits(7).map((d) => ({ code: '0300', rest: d })), // 0300 123 4567
  digits(6).map((d) => ({ code: '0800', rest: d })), // 0800 123456
);
export const phoneNumber = fc
  .record({ n: ukNational, split: fc.boolean(), sep: separator, inner: separator, form: fc.constantFrom('national', 'brackets', '+44', '+44 (0)', '0044') })
  .map(({ n, split, sep, inner, form }) => {
    const half = Math.floor(n.rest.length / 2);
    const rest = split ? `${n.rest.slice(0, half)}${inner}${n.rest.slice(half)}` : n.rest;
    const noZero = n.code.slice(1);
    if (form === 'brackets') return `(${n.code}) ${rest}`;
    if (form === '+44') return `+44 ${noZero}${sep}${rest}`;
    if (form === '+44 (0)') return `+44 (0)${noZero}${sep}${rest}`;
    if (form === '0044') return `0044 ${noZero}${sep}${rest}`;
    return `${n.code}${sep}${rest}`;
  });

/** UK postcodes in every outward shape (A9, A99, AA9, AA99, A9A, AA9A), with or without a space, dash or dot inside, in any case. */
const letterFrom = (set: string) => fc.constantFrom(...set.split(''));
const digit = fc.integer({ min: 0, max: 9 }).map(String);
const outward = fc
  .oneof(
    fc.tuple(letterFrom('ABCDEFGHIJKLMNOPRSTUWYZ'), fc.integer({ min: 1, max: 9 }).map(String)),
    fc.tuple(letterFrom('ABCDEFGHIJKLMNOPRSTUWYZ'), fc.integer({ min: 1, max: 9 }).map(String), digit),
    fc.tuple(letterFrom('ABCDEFGHIJKLMNOPRSTUWYZ'), letterFrom('ABCDEFGHKLMNOPQRSTUVWXY'), fc.integer({ min: 1, max: 9 }).map(String)),
    fc.tuple(letterFrom('ABCDEFGHIJKLMNOPRSTUWYZ'), letterFrom('ABCDEFGHKLMNOPQRSTUVWXY'), fc.integer({ min: 1, max: 9 }).map(String), digit),
    fc.tuple(letterFrom('ABCDEFGHIJKLMNOPRSTUWYZ'), fc.integer({ min: 1, max: 9 }).map(String), letterFrom('ABCDEFGHJKPSTUW')),
    fc.tuple(
      letterFrom('ABCDEFGHIJKLMNOPRSTUWYZ'),
      letterFrom('ABCDEFGHKLMNOPQRSTUVWXY'),
      fc.integer({ min: 1, max: 9 }).map(String),
      letterFrom('ABEHMNPRVWXY'),
    ),
  )
  .map((parts) => parts.join(''));
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
export const postcode = fc
  .record({
    out: outward,
    inDigit: digit,
    a: letterFrom(INWARD_LETTERS),
    b: letterFrom(INWARD_LETTERS),
    sep: fc.constantFrom(' ', '', '-', '.', ' - ', '  '),
    c: letterCase,
  })
  .map(({ out, inDigit, a, b, sep, c }) => inCase(`${out}${sep}${inDigit}${a}${b}`, c))
  // Written in lower case, 1st/2nd/3rd/4th after a code is read as an ordinal ("Q3 2nd"), not a postcode.
  .filter((p) => !/\d(?:st|nd|rd|th)$/.test(p));

const STREET_NAMES = [
  'Cowley',
  'Iffley',
  'High',
  'Banbury',
  'Woodstock',
  'Abingdon',
  'London',
  'Church',
  'Station',
  'Mill',
  'Oak Tree',
  'St Clement’s',
  'Marston Ferry',
  'Old Kiln',
  'Victoria',
];
/** Street types that are not also everyday words: these make an address in any case ("12 cowley road"). */
export const PLAIN_STREET_TYPES = ['Street', 'St', 'Road', 'Rd', 'Avenue', 'Ave', 'Lane', 'Crescent', 'Cres', 'Terrace', 'Mews'];
/** Street types that are also everyday words ("2 members of the Green team"): an address only after a capitalised street name. */
const WORD_STREET_TYPES = [
  'Close',
  'Drive',
  'Way',
  'Court',
  'Place',
  'Gardens',
  'Grove',
  'Walk',
  'Hill',
  'Square',
  'Row',
  'Park',
  'Rise',
  'View',
  'Green',
  'Parade',
];
export const address = fc
  .record({
    number: fc.integer({ min: 1, max: 999 }),
    suffix: fc.constantFrom('', '', 'a', 'b', 'A'),
    comma: fc.boolean(),
    flat: fc.boolean(),
    street: fc.constantFrom(...STREET_NAMES),
    plainType: fc.constantFrom(...PLAIN_STREET_TYPES),
    wordType: fc.constantFrom(...WORD_STREET_TYPES),
    c: letterCase,
  })
  .map(({ number, suffix, comma, flat, street, plainType, wordType, c }) => {
    const type = c === 'as-is' && flat ? wordType : plainType;
    const text = `${flat ? 'Flat 2, ' : ''}${number}${suffix}${comma ? ',' : ''} ${street} ${type}`;
    return inCase(text, c);
  });

/**
 * Characters a card or record does not show: every kind of format character (bidi embeddings,
 * overrides, isolates and marks, zero-widths, the word joiner, invisible operators, tags) and
 * other default-ignorable ones (the combining grapheme joiner, variation selectors, fillers).
 */
export const INVISIBLE = [
  '\u00ad',
  '\u034f',
  '\u061c',
  '\u115f',
  '\u17b4',
  '\u180e',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2060',
  '\u2061',
  '\u2062',
  '\u2063',
  '\u2064',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u206a',
  '\u206f',
  '\u3164',
  '\ufe00',
  '\ufe0f',
  '\ufeff',
  '\ufff9',
  '\ufffb',
  '\u{1d173}',
  '\u{1d17a}',
  '\u{e0001}',
  '\u{e0041}',
  '\u{e007f}',
  '\u{e0100}',
];
/** Where other scripts (and full-width and mathematical forms) write 0. */
const ZEROS = [0xff10, 0x0660, 0x06f0, 0x0966, 0x09e6, 0x0be6, 0x0e50, 0x0f20, 0x1040, 0x1d7ce, 0x1d7ec, 0x104a0, 0x1e950, 0x1fbf0];
/** Characters that look like the one typed (or that NFKC turns into it). */
const LOOK_ALIKES: Record<string, string[]> = {
  '/': ['\u2215', '\u2044', '\uff0f'],
  '-': ['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe63', '\uff0d'],
  ' ': ['\u00a0', '\u2007', '\u202f', '\u3000'],
  '.': ['\uff0e'],
  ':': ['\uff1a'],
  ',': ['\uff0c'],
  // Cyrillic and Greek letters drawn like Latin ones.
  A: ['\u0410', '\u0391'],
  B: ['\u0412', '\u0392'],
  C: ['\u0421'],
  E: ['\u0415', '\u0395'],
  H: ['\u041d', '\u0397'],
  J: ['\u0408'],
  K: ['\u041a', '\u039a'],
  M: ['\u041c', '\u039c'],
  N: ['\u039d'],
  O: ['\u041e', '\u039f'],
  P: ['\u0420', '\u03a1'],
  S: ['\u0405'],
  T: ['\u0422', '\u03a4'],
  X: ['\u0425', '\u03a7'],
  Y: ['\u0423', '\u03a5'],
  a: ['\u0430'],
  c: ['\u0441'],
  e: ['\u0435'],
  o: ['\u043e', '\u03bf'],
  p: ['\u0440'],
  s: ['\u0455'],
  x: ['\u0445'],
  y: ['\u0443'],
};

/** The text with, at random places, invisible characters inserted and characters swapped for look-alikes. */
export function disguised(plain: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return plain.chain((text) => {
    const chars = [...text];
    return fc
      .record({
        inserts: fc.array(fc.tuple(fc.nat({ max: chars.length }), fc.constantFrom(...INVISIBLE)), { maxLength: 4 }),
        swaps: fc.array(fc.tuple(fc.nat({ max: chars.length - 1 }), fc.nat()), { maxLength: 4 }),
      })
      .map(({ inserts, swaps }) => {
        const out = [...chars];
        for (const [at, pick] of swaps) {
          const ch = out[at]!;
          if (/[0-9]/.test(ch)) out[at] = String.fromCodePoint(ZEROS[pick % ZEROS.length]! + Number(ch));
          else if (LOOK_ALIKES[ch]) out[at] = LOOK_ALIKES[ch]![pick % LOOK_ALIKES[ch]!.length]!;
        }
        // Inserted from the end, so earlier positions still point where they did.
        for (const [at, invisible] of [...inserts].sort((a, b) => b[0] - a[0])) out.splice(at, 0, invisible);
        return out.join('');
      });
  });
}

/** Words around an identifier, as it sits in a note. */
const BEFORE = ['', '', 'Seen at home ', 'Child (', 'Details: ', 'Referral for ', 'Mum: ', 'as discussed, '];
const AFTER = ['', '', ')', '.', ', mum present', ' - see referral', '; to follow up'];
const inProse = (identifier: fc.Arbitrary<string>) =>
  fc.tuple(fc.constantFrom(...BEFORE), identifier, fc.constantFrom(...AFTER)).map(([b, id, a]) => `${b}${id}${a}`);

export const IDENTIFIER_KINDS: Record<Exclude<IdentifyingKind, 'name'>, fc.Arbitrary<string>> = {
  'date-of-birth': dateOfBirth,
  'nhs-number': nhsNumber,
  'phone-number': phoneNumber,
  postcode,
  address,
};

/** One identifier of a given kind, disguised and set in a note at random. */
export const identifierOf = (kind: keyof typeof IDENTIFIER_KINDS) => inProse(disguised(IDENTIFIER_KINDS[kind]));

/** Any identifier, with the kind it is. */
export const anyIdentifier = fc
  .constantFrom(...(Object.keys(IDENTIFIER_KINDS) as (keyof typeof IDENTIFIER_KINDS)[]))
  .chain((kind) => identifierOf(kind).map((text) => ({ kind, text })));

/**
 * Ordinary safeguarding text that must pass the guard: meeting months, action and case
 * references, counts, plan years, times, percentages, sections of Acts, and street words used as
 * everyday words. Written as notes, updates and answers are.
 */
export const ORDINARY_TEXT = [
  'Discussed at the March 2026 board',
  'Review at the March 2026 board; report to the April 2026 meeting',
  'LP2.3 is on track',
  'Action LP2.3 and LP10.12 are linked',
  'ESC-2026-0042 moved to stage 2 after no reply within 10 working days',
  'Case MASH-2026-0042 discussed; CSC/2026/77 closed',
  '3 of 5 actions complete',
  'Plan period 2015-16',
  'The 2015/16 plan and the 2026/27 budget',
  'April 2025 - March 2026 figures',
  'Stage 2 of 4, Q3 2026',
  'Q1 2027 audit; Q4 2026 return sent',
  'Year 11 1st term; KS2 2nd half term',
  'Section 11 audit: 85% complete',
  'Section 47 enquiries and s.17 assessments; Children Act 1989',
  'Working Together to Safeguard Children 2023 is the reference',
  'Named Safeguarding Officers meeting at 10:30, finished 12:15',
  'Drop-in sessions 9:00-17:00 on Tuesdays',
  'Strategy meeting at 14:30; 3 agencies attended',
  '10 of 12 staff trained (83%)',
  'Referrals by quarter were 12, 15, 20, 33 and 41',
  '2 visits, 1 phone call, 3 emails',
  '1-2-1 supervision every 4-6 weeks',
  'A 3 month recruitment drive for foster carers',
  '5 ways to close the gap in reporting',
  '2 members of the Green team',
  'Visited 3 community gardens used by the youth project',
  'The 2 of us walked to the park with the family support worker',
  '3 days on the road visiting schools',
  '3 x non-compulsory training sessions to be provided a year',
  'Room 3.14 booked; A3 posters printed; Form 7B returned',
  'Page 12 of 40 of the procedures',
  'Budget £1,250 for 2026/27',
  'Invoice 1234567890',
  'Version 2.1 of the leaflet',
  'Ratio 3:1 staff to children on trips',
  'Respond within 10 working days; escalate on day 11',
  'Amber in two consecutive updates',
  'Meeting on 3 March with Val Johnson',
  'Thames Valley Police attended; OSCB minutes circulated',
  'Referral outcome unclear; strategy meeting requested',
  'Training on 20 and 21 May; evaluation due in June',
  'Escalated to the Head of Children’s Social Care',
  'Staff survey: 4 out of 5 rated the course useful',
  'We record concerns the same day and tell the DSO',
  'Move to quarterly review from the June 2026 board',
  'Policy and Procedures updated in line with the 2023 guidance',
  'Councillor training: 3 sessions, 45 attendees, 92% satisfied',
  'MASH triage within 24 hours for 97% of contacts',
  'Item 4.2 of the agenda; minutes para 6.1',
  'Completed in 2015',
  'Respond within 10 working days',
  'Year 11 1st term',
  'Invoice 1234567890',
  'Action LP2.3 and LP10.12 are linked',
  'Named Safeguarding Officers meeting',
  'Meeting moved to 3 March 15:30',
  'Panel on March 12.30 start, or March 15:45',
  'Call logged at 10:11:12 by the duty desk',
  '',
];

/** Texts of the Oxford plan fixture, as an organisation writes them, less those that give a meeting's full date (a full date is refused wherever it appears). */
export const FULL_DATES_IN_PLAN = ['4/2/15', '19th March 2015', '9th June 2019', '14th April 2015', '23rd April 2015'];

/** Ordinary sentences built from the pieces notes are made of, joined as people join them. */
const monthName = fc.constantFrom(...MONTH_NAMES);
const year = fc.integer({ min: 2010, max: 2035 });
const small = fc.integer({ min: 1, max: 12 });
const piece = fc.oneof(
  fc.tuple(monthName, year).map(([m, y]) => `the ${m} ${y} board`),
  fc.tuple(small, small).map(([a, b]) => `${Math.min(a, b)} of ${Math.max(a, b)} actions`),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 20 })).map(([a, b]) => `LP${a}.${b}`),
  fc.tuple(year, fc.integer({ min: 1, max: 9999 })).map(([y, n]) => `ESC-${y}-${String(n).padStart(4, '0')}`),
  year.map((y) => `${y}-${String((y + 1) % 100).padStart(2, '0')}`),
  year.map((y) => `${y}/${String((y + 1) % 100).padStart(2, '0')} plan`),
  fc.tuple(fc.integer({ min: 1, max: 4 }), year).map(([q, y]) => `Q${q} ${y}`),
  fc.integer({ min: 0, max: 100 }).map((n) => `${n}% complete`),
  fc.tuple(fc.integer({ min: 8, max: 18 }), fc.constantFrom('00', '15', '30', '45')).map(([h, m]) => `at ${h}:${m}`),
  fc.tuple(small, fc.constantFrom('working days', 'weeks', 'referrals', 'staff', 'schools', 'agencies')).map(([n, what]) => `${n} ${what}`),
  fc.constantFrom('strategy meeting held', 'feedback awaited from the MASH', 'Section 11 audit returned', 'minutes circulated', 'Val Johnson to chase'),
);
export const ordinaryProse = fc
  .array(fc.tuple(piece, fc.constantFrom('; ', ', ', ' and ', '. ', ' then ', ' by ')), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([p, join], i) => (i === parts.length - 1 ? p : `${p}${join}`)).join(''));
