import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { runs } from '../../fast-check-setup';
import { checkCaseReference, normaliseForScan, scanText, type IdentifyingKind } from '../../../services/core/identifying';
import { checkAnswers } from '../../../services/surveys/answers';
import { questionSchema, type Question } from '../../../services/surveys/model';
import { checkStatusUpdate, type StatusSubmission } from '../../../services/updates/rules';
import { anyIdentifier, FULL_DATES_IN_PLAN, IDENTIFIER_KINDS, identifierOf, INVISIBLE, ORDINARY_TEXT, ordinaryProse } from '../../harness/identifiers';

/** The attack report's examples: hidden with a bidi isolate, or typed by habit in a form the guard did not know. */
const REPORTED: [string, IdentifyingKind][] = [
  ['03\u2066/03/2015', 'date-of-birth'],
  ['OX1\u2066 2JD', 'postcode'],
  ['943\u2066 476 5919', 'nhs-number'],
  ['03-Mar-2015', 'date-of-birth'],
  ['3/Mar/2015', 'date-of-birth'],
  ['3 Mar 15', 'date-of-birth'],
  ['2015 March 3', 'date-of-birth'],
  ['03_03_2015', 'date-of-birth'],
  ['OX1-2JD', 'postcode'],
  ['943_476_5919', 'nhs-number'],
  ['07700:900:123', 'phone-number'],
  ['12 cowley road', 'address'],
];

/** The examples docs/USER-GUIDE.md ("Identifying details") gives of what is refused. */
const USER_GUIDE_EXAMPLES: [string, IdentifyingKind][] = [
  ...[
    '03/03/2015',
    '03_03_2015',
    '2015 - 03 - 03',
    '03:03:2015',
    '3.3.15',
    '3 3 15',
    '03032015',
    '20150303',
    '030315',
    '3 March 2015',
    '3rd of March 2015',
    '03-Mar-2015',
    '3/Mar/2015',
    '03MAR2015',
    'March 3rd, 2015',
    '2015 March 3',
    '3 Mar 15',
    "3 Mar '15",
    'DOB',
    'date of birth',
    'born',
    'birthday',
  ].map((t): [string, IdentifyingKind] => [t, 'date-of-birth']),
  ...['943 476 5919', '943_476_5919', '943.476.5919', 'NHS 123'].map((t): [string, IdentifyingKind] => [t, 'nhs-number']),
  ...['07700:900:123', '(020) 7946 0958', '+44 (0)20 7946 0958', '0044 7700 900123'].map((t): [string, IdentifyingKind] => [t, 'phone-number']),
  ...['OX1 2JD', 'OX12JD', 'OX1-2JD', 'ox1.2jd', 'OX1_2JD'].map((t): [string, IdentifyingKind] => [t, 'postcode']),
  ...['12 High St', '4a Oak Tree Way', '12 cowley road', '12 COWLEY ROAD'].map((t): [string, IdentifyingKind] => [t, 'address']),
];

const PLAN_TEXTS: string[] = (
  parse(readFileSync(path.join(__dirname, '../../fixtures/oxford-action-plan-2015-16.csv'), 'utf8'), { from_line: 2 }) as string[][]
)
  .flatMap((row) => [row[0]!, row[1]!, row[2]!, row[5]!])
  .filter((text) => text && !FULL_DATES_IN_PLAN.some((date) => text.includes(date)));

const update = (fields: Partial<StatusSubmission>): StatusSubmission => ({
  actionId: 'a',
  version: 1,
  status: 'R',
  progress: 'Behind plan',
  evidence: 'Minutes',
  reason: 'Staff absence',
  remedialAction: 'Extra sessions',
  revisedDueDate: '',
  ...fields,
});
const written: Question = questionSchema.parse({ id: 'practice', type: 'text', text: 'What have you done differently since the training?', maxLength: 1000 });

describe('the identifier guard against generated identifiers', () => {
  it.each(REPORTED)('refuses the reported %j as %s', (text, kind) => {
    expect(scanText(text).refuse).toContain(kind);
  });

  it.each(USER_GUIDE_EXAMPLES)('refuses the user guide’s example %j as %s', (text, kind) => {
    expect(scanText(text).refuse).toContain(kind);
  });

  it('scans the text the outputs show: no format or other invisible characters, digits of any script as ASCII, look-alike slashes, dashes and letters as what they look like', () => {
    expect(normaliseForScan(`0${INVISIBLE.join('')}3`)).toBe('03');
    expect(normaliseForScan('\u0660\u0663\u2215\u06f0\u06f3\u2044\u0968\u0966\u0967\u0665')).toBe('03/03/2015');
    expect(normaliseForScan('943\u2010476\u2011\u2012\u2013\u2014\u2015\u2212')).toBe('943-476------');
    // Cyrillic О, Х, А, В and Greek Ο, Ι drawn as the Latin letters.
    expect(normaliseForScan('\u041e\u04254 1\u0410\u0412, \u039fX1 \u0399')).toBe('OX4 1AB, OX1 I');
  });

  it.each(Object.keys(IDENTIFIER_KINDS) as (keyof typeof IDENTIFIER_KINDS)[])('refuses every generated %s, however it is written or disguised', (kind) => {
    fc.assert(
      fc.property(identifierOf(kind), (text) => {
        expect(scanText(text).refuse).toContain(kind);
      }),
      { numRuns: runs(400) },
    );
  });

  it('refuses every generated identifier in every field of the update card, in a written questionnaire answer and as a case reference', () => {
    fc.assert(
      fc.property(anyIdentifier, ({ text }) => {
        for (const field of ['progress', 'evidence', 'reason', 'remedialAction'] as const) {
          const checked = checkStatusUpdate(update({ [field]: text }), '2026-11-22');
          expect(checked.ok ? [] : checked.issues).toContainEqual({ field, message: expect.stringMatching(/^This looks like/) });
        }
        expect(checkAnswers([written], { practice: text }).issues).toEqual([{ field: 'practice', message: expect.stringMatching(/^This looks like/) }]);
        expect(checkCaseReference(text, undefined)).toMatchObject({ field: 'caseReference' });
        // Even an organisation whose reference format accepts any text gets the identifier refused (past 40 characters it is too long to be one).
        if (text.length <= 40)
          expect(checkCaseReference(text, '[\\s\\S]+')).toMatchObject({ field: 'caseReference', message: expect.stringMatching(/^This looks like/) });
      }),
      { numRuns: runs(300) },
    );
  });

  describe('ordinary safeguarding text passes', () => {
    it.each([...ORDINARY_TEXT, 'the March 2026 board', 'LP2.3', 'ESC-2026-0042', '3 of 5 actions', '2015-16'])('%j', (text) => {
      expect(scanText(text).refuse).toEqual([]);
      const checked = checkStatusUpdate(
        update({ progress: text || 'On track', evidence: text, reason: text, remedialAction: text, status: 'G' }),
        '2026-11-22',
      );
      expect(checked.ok ? [] : checked.issues).toEqual([]);
    });

    it('every text of the Oxford plan that gives no meeting’s full date', () => {
      expect(PLAN_TEXTS.length).toBeGreaterThan(40);
      expect(PLAN_TEXTS.filter((text) => scanText(text).refuse.length > 0)).toEqual([]);
    });

    it('generated notes made of meeting months, references, counts, plan years and times', () => {
      fc.assert(
        fc.property(ordinaryProse, (text) => {
          expect(scanText(text).refuse).toEqual([]);
        }),
        { numRuns: runs(400) },
      );
    });
  });
});
