import { AppError, type FieldIssue } from './errors';

/**
 * The one guard for free text that reaches safeguarding records: escalations, notes, feedback,
 * concern text, case references and status updates. Records must not identify children (case
 * references only), so it refuses what people type by habit: dates of birth (numeric with any
 * separator, ISO, compact, or with the month in words), NHS numbers (any spacing or separator,
 * with a valid Modulus 11 check digit), UK phone numbers, postcodes and house-number-plus-street
 * addresses. A capitalised first-and-last-name pair is only a warning: it is as often a colleague
 * or a team. Names and free descriptions ("the boy at the corner shop") are beyond any pattern.
 *
 * It scans the text as cards and records show it: characters they do not show are gone, and
 * digits, slashes and dashes of every script are the ASCII ones they look like.
 *
 * A full date is refused wherever it appears (a meeting date can be written "March 2026");
 * a month and year, an action reference such as LP2.3 and a year alone pass.
 */

export type IdentifyingKind = 'date-of-birth' | 'nhs-number' | 'phone-number' | 'postcode' | 'address' | 'name';
export type IdentifyingText = { field: string; kind: IdentifyingKind; label: string };

export const KIND_LABELS: Record<IdentifyingKind, string> = {
  'date-of-birth': 'a date of birth',
  'nhs-number': 'an NHS number',
  'phone-number': 'a phone number',
  postcode: 'a postcode',
  address: 'an address',
  name: 'a person’s name',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// A month word stands alone: "mar" in "marketing" or "may" in "dismay" is not a month.
const MONTH_WORD =
  '(?<![a-z])(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])';
const DAY_WORD = '(\\d{1,2})(?!\\d)(?:st|nd|rd|th)?';
// A two-digit year only after a day and a month word (3 Mar 15); not a time (3 March 15:30) or an ordinal.
const YEAR_WORD = "((?:19|20)\\d{2}(?!\\d)|'?\\d{2}(?![\\d\\p{L}]|[:.]\\d))";
// Between a month word and a number anything people type: 03-Mar-2015, 3/Mar/2015, 3 Mar, 2015, Mar.3.2015.
const WORD_GAP = '(?:\\s*[-/._,:]\\s*|\\s+)';
const AFTER_MONTH = `(?:\\.?${WORD_GAP}|\\.)`;

/** Characters cards and records do not show: every format character (bidi controls, zero-widths, the soft hyphen, tags) and the other default-ignorable ones (the combining grapheme joiner, variation selectors, fillers). */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
/** Everything the scan reads as something else, found in one pass: invisible characters, other scripts' digits, look-alike dashes, slashes, dots, colons, apostrophes and letters. */
const UNLIKE_ASCII =
  /(?![-0-9])(?:[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Pd}\u2212\u2043\u02d7\u2796\u2215\u2044\u29f8\u00b7\u2219\u22c5\u2236\ua789\u2018\u2019\u02bcАВСЕНІЈКМОРЅТХУасеіјорѕхуΑΒΕΖΗΙΚΜΝΟΡΤΥΧο]|\p{Nd})/gu;
const LOOK_ALIKES: Record<string, string> = {
  '\u2215': '/',
  '\u2044': '/',
  '\u29f8': '/',
  '\u00b7': '.',
  '\u2219': '.',
  '\u22c5': '.',
  '\u2236': ':',
  '\ua789': ':',
  '\u2018': "'",
  '\u2019': "'",
  '\u02bc': "'",
};
/** Cyrillic and Greek letters drawn like Latin ones: ОХ4 1АВ in Cyrillic shows as the postcode OX4 1AB. */
const LATIN_LOOK_ALIKES = [
  'АA',
  'ВB',
  'СC',
  'ЕE',
  'НH',
  'ІI',
  'ЈJ',
  'КK',
  'МM',
  'ОO',
  'РP',
  'ЅS',
  'ТT',
  'ХX',
  'УY',
  'аa',
  'сc',
  'еe',
  'іi',
  'јj',
  'оo',
  'рp',
  'ѕs',
  'хx',
  'уy',
  'ΑA',
  'ΒB',
  'ΕE',
  'ΖZ',
  'ΗH',
  'ΙI',
  'ΚK',
  'ΜM',
  'ΝN',
  'ΟO',
  'ΡP',
  'ΤT',
  'ΥY',
  'ΧX',
  'οo',
];
for (const [from, to] of LATIN_LOOK_ALIKES) LOOK_ALIKES[from!] = to!;

/** What a character reads as: nothing if invisible; a look-alike as what it looks like; a digit of any script as its value (Unicode assigns them in runs of 0–9, so it is the distance from its run's zero); a dash as '-'. */
const readAs = new Map<string, string>();
function asAscii(ch: string): string {
  let value = readAs.get(ch);
  if (value === undefined) {
    if (INVISIBLE.test(ch)) value = '';
    else if (LOOK_ALIKES[ch]) value = LOOK_ALIKES[ch]!;
    else if (/\p{Nd}/u.test(ch)) {
      let zero = ch.codePointAt(0)!;
      while (/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero -= 1;
      value = String((ch.codePointAt(0)! - zero) % 10);
    } else value = '-';
    readAs.set(ch, value);
  }
  return value;
}

/**
 * One form for every way of writing, the text as it is shown: NFKC (full-width digits,
 * ligatures), no invisible characters, every script's digits as 0–9, Cyrillic and Greek letters
 * drawn like Latin ones as those, one kind of dash, slash, space and apostrophe.
 */
export function normaliseForScan(text: string): string {
  // Only the non-ASCII stretches can change, and notes are mostly ASCII: this keeps a long note's scan cheap.
  return text
    .replace(/[^\x00-\x7f]+/g, (run) => run.normalize('NFKC').replace(UNLIKE_ASCII, asAscii))
    .replace(/\s+/g, ' ')
    .trim();
}

const validDay = (d: number, m: number) => m >= 1 && m <= 12 && d >= 1 && d <= 31;
const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));
const plausibleYear = (y: number) => y >= 1900 && y <= 2099;

// Between numeric date parts: a dash, slash, dot or underscore (spaces around it allowed), a comma or colon with no spaces, or a space.
const DATE_GAP = '(\\s?[-/._]\\s?|[,:]|\\s)';
// Day, month, year (or month, day, year), the same separator twice (\2). Not straight after a letter or dot: LP2.3.12 is an action reference.
const NUMERIC_DATE = new RegExp(`(?<![\\d.\\p{L}])(\\d{1,2})${DATE_GAP}(\\d{1,2})\\2(\\d{4}(?!\\d)|\\d{2}(?![\\d\\p{L}]))`, 'gu');
const YEAR_FIRST_NUMERIC = new RegExp(`(?<![\\d.\\p{L}])((?:19|20)\\d{2})${DATE_GAP}(\\d{1,2})\\2(\\d{1,2})(?!\\d)`, 'gu');

function hasNumericDate(text: string): boolean {
  // 03/03/2015, 3.3.15, 03 - 03 - 2015, 3 3 2015, 03_03_2015, 03:03:2015; not "4.2. 2026" (a section number and a year).
  for (const m of text.matchAll(NUMERIC_DATE)) {
    const [, a, gap, b, year] = m as unknown as string[];
    // Two-digit years only written tight (3.3.15, 3 3 15), never with a colon or comma: 10:11:12 is a time, 1,2,15 a list.
    if (year!.length === 2 && (gap!.length > 1 || /[,:]/.test(gap!))) continue;
    if ((validDay(Number(a), Number(b)) || validDay(Number(b), Number(a))) && plausibleYear(fullYear(year!))) return true;
  }
  // ISO and year-first: 2015-03-03, 2015/3/3, 2015.03.03, 2015 03 03.
  for (const m of text.matchAll(YEAR_FIRST_NUMERIC)) {
    if (validDay(Number(m[4]), Number(m[3]))) return true;
  }
  // Compact: 03032015, 20150303, and 030315 when it sits in a reference (JSmith-030315).
  for (const m of text.matchAll(/(?<!\d)(\d{8}|\d{6})(?!\d)/g)) {
    const s = m[1]!;
    if (
      s.length === 8 &&
      ((validDay(+s.slice(0, 2), +s.slice(2, 4)) && plausibleYear(+s.slice(4))) || (plausibleYear(+s.slice(0, 4)) && validDay(+s.slice(6), +s.slice(4, 6))))
    )
      return true;
    if (s.length === 6 && validDay(+s.slice(0, 2), +s.slice(2, 4))) return true;
  }
  return false;
}

// 3 March 2015, 3rd of March 2015, 03-Mar-2015, 3/Mar/2015, 3 Mar 15, 3rd March, 2015.
const DAY_FIRST = new RegExp(`(?<![\\d.\\p{L}])${DAY_WORD}(?:\\s*of\\s*|${WORD_GAP})?${MONTH_WORD}${AFTER_MONTH}?${YEAR_WORD}`, 'gu');
// March 3rd 2015, Mar 3, 2015, Mar-03-2015.
const MONTH_FIRST = new RegExp(`${MONTH_WORD}${AFTER_MONTH}${DAY_WORD}(${WORD_GAP})${YEAR_WORD}`, 'gu');
// 2015 March 3, 2015-Mar-03.
const YEAR_FIRST = new RegExp(`(?<!\\d)((?:19|20)\\d{2})${WORD_GAP}?${MONTH_WORD}${AFTER_MONTH}${DAY_WORD}`, 'gu');
const monthNumber = (word: string) => MONTHS.indexOf(word.slice(0, 3)) + 1;

function hasWrittenDate(lower: string): boolean {
  for (const m of lower.matchAll(DAY_FIRST)) if (validDay(Number(m[1]), monthNumber(m[2]!))) return true;
  for (const m of lower.matchAll(MONTH_FIRST)) {
    // "March 15:30" and "March 15.30" are times on a day in March, not 15 March 2030.
    if (m[4]!.length < 4 && /[:.]/.test(m[3]!)) continue;
    if (validDay(Number(m[2]), monthNumber(m[1]!))) return true;
  }
  for (const m of lower.matchAll(YEAR_FIRST)) if (validDay(Number(m[3]), monthNumber(m[2]!))) return true;
  return false;
}

const DOB_WORDS = /\b(?:d\.?\s?o\.?\s?b\b\.?|date of birth|born(?: on| in)?\b|birthday\b)/i;

/** NHS numbers: 10 digits whose last is the Modulus 11 check digit of the first nine. */
export function isNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  const sum = [...digits.slice(0, 9)].reduce((n, d, i) => n + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/**
 * Runs of digits broken only by spaces, dashes, slashes, underscores or brackets, or by a dot,
 * comma or colon straight before a digit, as people write numbers (943.476.5919, 07700:900:123).
 * A comma or full stop before a space ends the run: "by quarter 12, 15" is a list, "0042. 12" two sentences.
 */
function digitRuns(text: string): { raw: string; digits: string; plus: boolean }[] {
  return [...text.matchAll(/(\+)?\(?\d(?:[\d\s\-/()_]|[.,:](?=\d)|(?<=\s)\.(?=\s))*\d\)?/g)].map((m) => ({
    raw: m[0],
    digits: m[0].replace(/\D/g, ''),
    plus: m[1] === '+',
  }));
}

function hasNhsNumber(text: string): boolean {
  if (/\bnhs\s?(?:no\.?|number|num|#)?\s?:?\s?\d/i.test(text)) return true;
  return digitRuns(text).some((r) => isNhsNumber(r.digits));
}

function hasPhoneNumber(text: string): boolean {
  for (const r of digitRuns(text)) {
    let d = r.digits;
    if (r.plus && d.startsWith('44')) d = '0' + d.slice(2).replace(/^0/, '');
    else if (d.startsWith('0044')) d = '0' + d.slice(4).replace(/^0/, '');
    // A UK number is 0 and 9 or 10 more digits; 01–03 and 07 and 08 are the ranges people call.
    if (/^0[1-37-9]\d{8,9}$/.test(d)) return true;
  }
  return false;
}

// Outward code, then inward digit and two letters, together or with a space, dash, dot or underscore between: OX1 2JD, OX12JD, OX1-2JD, ox1.2jd.
const POSTCODE = /(?<![a-z\d])([a-z]{1,2}\d[a-z\d]?)(?:\s*[-._]\s*|\s*)(\d[abd-hjlnp-uw-z]{2})(?![a-z\d])/gi;
function hasPostcode(text: string): boolean {
  for (const m of text.matchAll(POSTCODE)) {
    // An ordinal in lower case after a code is prose: "Q3 2nd", "KS2 1st term".
    if (/^(1st|2nd|3rd|\dth)$/.test(m[2]!)) continue;
    return true;
  }
  return false;
}

const STREET_TYPES = [
  'Street',
  'St',
  'Road',
  'Rd',
  'Avenue',
  'Ave',
  'Lane',
  'Ln',
  'Close',
  'Drive',
  'Dr',
  'Way',
  'Crescent',
  'Cres',
  'Court',
  'Ct',
  'Place',
  'Pl',
  'Gardens',
  'Gdns',
  'Grove',
  'Terrace',
  'Walk',
  'Hill',
  'Square',
  'Sq',
  'Mews',
  'Row',
  'Park',
  'Rise',
  'View',
  'Green',
  'Parade',
];
/** Street types that are not also everyday words, so they make an address after a street name in any case: 12 cowley road, 12 HIGH ST. */
const PLAIN_STREET_TYPES = ['Street', 'St', 'Road', 'Rd', 'Avenue', 'Ave', 'Lane', 'Crescent', 'Cres', 'Terrace', 'Mews'];
/** Words that make a number and a street type prose, not an address: "3 days on the road", "a 12 month road map", "2 new road safety sessions" (New Road counts when capitalised). */
const NOT_STREET_NAMES =
  'new|of|the|to|in|on|at|an|and|or|for|from|by|with|per|into|onto|along|across|down|up|off|out|over|near|this|that|these|those|its|their|our|his|her|my|your|every|each|more|other|(?:day|week|month|year|hour|minute|mile)s?';
const HOUSE_NUMBER = '(?<![\\w.])\\d{1,4}[a-zA-Z]?,?\\s';
// A house number, one to three capitalised words, a street type in any case: 12 High St, 4a Cowley Road, 12 Oak Tree Way.
const ADDRESS = new RegExp(`${HOUSE_NUMBER}(?:[A-Z][a-z'-]+\\s){1,3}(?:${STREET_TYPES.flatMap((t) => [t, t.toLowerCase(), t.toUpperCase()]).join('|')})\\b`);
// The same in any case, when the street type is not also an everyday word: 12 cowley road, 4A IFFLEY RD.
const ADDRESS_ANY_CASE = new RegExp(`${HOUSE_NUMBER}(?:(?!(?:${NOT_STREET_NAMES})\\s)[a-z][a-z'-]+\\s){1,3}(?:${PLAIN_STREET_TYPES.join('|')})\\b`, 'i');

/** Capitalised words that begin names of things here, not of people. */
const NOT_NAMES = new Set(
  `The This That These Those There Their They We Our You Your He She His Her It Its A An And Or But If When Where What Which Who Why How On In At To For From By With Of As All No Not Yes Please Thanks Dear
   Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December
   Named Designated Safeguarding Officer Officers Lead Leads Board Council City County District Borough Partnership Children Childrens Children's Adult Adults Social Care Services Service Team Teams Plan Action Actions Learning Point
   Police Health Mental School Schools Education Housing Community Safety Early Help Family Families Youth Offending Local Authority Stage Red Amber Green Blue Manager Managers Head Heads Executive Business Director
   Strategy Meeting Meetings Referral Referrals Case Conference Child Protection Multi Agency Hub MASH Front Door Hospital Trust NHS GP Court Review Training Course Procedure Procedures Policy Section Report Minutes Update Progress Evidence Concern Concerns
   Oxford Oxfordshire London England Wales Thames Valley Microsoft Teams Action Tracker New Old North South East West Central Street Road Virtual Online`.split(
    /\s+/,
  ),
);
function hasNamePair(text: string): boolean {
  for (const m of text.matchAll(/(?<![\w'])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'])/g)) {
    if (!NOT_NAMES.has(m[1]!) && !NOT_NAMES.has(m[2]!)) return true;
  }
  return false;
}

/** What one piece of text holds: `refuse` kinds must be removed; `warn` kinds are worth a second look. */
export function scanText(text: string): { refuse: IdentifyingKind[]; warn: IdentifyingKind[] } {
  const clean = normaliseForScan(text);
  const lower = clean.toLowerCase();
  const refuse: IdentifyingKind[] = [];
  if (DOB_WORDS.test(clean) || hasNumericDate(clean) || hasWrittenDate(lower)) refuse.push('date-of-birth');
  if (hasNhsNumber(clean)) refuse.push('nhs-number');
  if (hasPhoneNumber(clean)) refuse.push('phone-number');
  if (hasPostcode(clean)) refuse.push('postcode');
  if (ADDRESS.test(clean) || ADDRESS_ANY_CASE.test(clean)) refuse.push('address');
  return { refuse, warn: hasNamePair(clean) ? ['name'] : [] };
}

/** Every field with something to refuse (its first kind), in the order given. */
export function findIdentifyingText(fields: Record<string, string | undefined>): IdentifyingText[] {
  const found: IdentifyingText[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const [kind] = scanText(text).refuse;
    if (kind) found.push({ field, kind, label: KIND_LABELS[kind] });
  }
  return found;
}

export const NAME_WARNING = 'This looks like a person’s name. If it is a child’s, use the case reference instead; if not, send it again as it is.';

/** Fields that look as if they name someone: shown to the writer, who may send them again unchanged. */
export function findNameWarnings(fields: Record<string, string | undefined>): FieldIssue[] {
  return Object.entries(fields)
    .filter(([, text]) => !!text && scanText(text).warn.length > 0)
    .map(([field]) => ({ field, message: NAME_WARNING }));
}

/** Whether an error is only the name warning, so the form can offer to send it as it is. */
export function isOnlyNameWarning(fields: FieldIssue[]): boolean {
  return fields.length > 0 && fields.every((f) => f.message === NAME_WARNING);
}

export const IDENTIFYING_MESSAGE =
  'Remove identifying details: use the case reference instead of names, dates of birth, NHS numbers, phone numbers, postcodes or addresses.';

/** Refuses (VALIDATION, with a message next to each field) text that identifies a child. */
export function requireNoIdentifyingText(fields: Record<string, string | undefined>): void {
  const found = findIdentifyingText(fields);
  if (found.length === 0) return;
  throw new AppError('VALIDATION', found.length === 1 ? `This looks like ${found[0]!.label}. ${IDENTIFYING_MESSAGE}` : IDENTIFYING_MESSAGE, {
    fields: found.map((i) => ({
      field: i.field,
      message: `This looks like ${i.label}. Do not enter children’s names or identifying details; write a meeting date as "March 2026".`,
    })),
  });
}

/**
 * The default case reference: capitals, then digits in one to three groups, as case management
 * systems issue them (MASH-2026-0042, CSC/2026/77, CP123456). An organisation can set its own.
 */
export const DEFAULT_CASE_REFERENCE_PATTERN = '^[A-Z]{2,6}[-/]?\\d{2,6}(?:[-/]\\d{1,6}){0,2}$';

/** What a configured reference format must never accept, whatever it is. */
export const NEVER_CASE_REFERENCES = ['03-03-2015', '03/03/2015', '2015-03-03', '9434765919', '943 476 5919', 'Jane Smith', 'JSmith-030315', '07700 900123'];

/** The whole reference must match, whether or not the pattern says ^…$. */
export function compileCaseReferencePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** A case reference must match the organisation's format and carry nothing that identifies a child. */
export function checkCaseReference(value: string, pattern: string | undefined): FieldIssue | undefined {
  const format = compileCaseReferencePattern(pattern ?? DEFAULT_CASE_REFERENCE_PATTERN);
  if (!format.test(value) || value.length > 40) {
    return {
      field: 'caseReference',
      message: 'Give the case reference as your case system issues it (e.g. MASH-2026-0042): never a name, date of birth or NHS number.',
    };
  }
  const [found] = findIdentifyingText({ caseReference: value });
  return found ? { field: 'caseReference', message: `This looks like ${found.label}, not a case reference.` } : undefined;
}
