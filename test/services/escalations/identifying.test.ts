import { checkCaseReference, isNhsNumber, scanText, type IdentifyingKind } from '../../../services/escalations/identifying';

/** Every example from the attack report, and the other ways people write the same things. */
const REFUSED: [string, IdentifyingKind][] = [
  // Dates of birth: numeric with any separator, ISO, compact, in words, or named as such.
  ['03/03/2015', 'date-of-birth'],
  ['03-03-2015', 'date-of-birth'],
  ['3.3.15', 'date-of-birth'],
  ['03 03 2015', 'date-of-birth'],
  ['2015-03-03', 'date-of-birth'],
  ['2015/3/3', 'date-of-birth'],
  ['03032015', 'date-of-birth'],
  ['JSmith-030315', 'date-of-birth'],
  ['3 March 2015', 'date-of-birth'],
  ['3rd of March 2015', 'date-of-birth'],
  ['3rd March, 2015', 'date-of-birth'],
  ['March 3rd 2015', 'date-of-birth'],
  ['Mar 3, 2015', 'date-of-birth'],
  ["3 Mar '15", 'date-of-birth'],
  ['Child born on 12 March 2015', 'date-of-birth'],
  ['DOB unknown', 'date-of-birth'],
  ['d.o.b. to follow', 'date-of-birth'],
  ['Jayden Smith (3 March 2015), 12 High St OX4 1AB', 'date-of-birth'],
  ['Jayden Smith DOB 03/03/2015 NHS 943 476 5919', 'date-of-birth'],
  ['3\u00a0March\u00a02015', 'date-of-birth'],
  ['０３/０３/２０１５', 'date-of-birth'],
  // NHS numbers in any spacing, checked with Modulus 11, or labelled.
  ['9434765919', 'nhs-number'],
  ['943 476 5919', 'nhs-number'],
  ['943  476  5919', 'nhs-number'],
  ['NHS no 943.476.5919', 'nhs-number'],
  ['943-476-5919', 'nhs-number'],
  ['NHS number: 123', 'nhs-number'],
  // UK phone numbers, with +44, 0044 and brackets.
  ['0044 7700 900123', 'phone-number'],
  ['(020) 7946 0958', 'phone-number'],
  ['+44 7700 900123', 'phone-number'],
  ['+44 (0) 20 7946 0958', 'phone-number'],
  ['Call mum on 07700 900123', 'phone-number'],
  ['Ring 01865 252209', 'phone-number'],
  ['07700-900-123', 'phone-number'],
  // Postcodes and addresses.
  ['OX4 1AB', 'postcode'],
  ['lives near ox4 1ab', 'postcode'],
  ['SW1A 1AA', 'postcode'],
  ['12 High St', 'address'],
  ['4a Cowley Road', 'address'],
  ['Flat 2, 17 Iffley Road', 'address'],
];

/** Prose that must pass: meeting dates without a day, action references, years, counts. */
const ALLOWED = [
  'Discussed at the March 2026 board',
  'Review at the March 2026 board; report to the April 2026 meeting',
  'LP2.3 is on track',
  'Action LP2.3 and LP10.12 are linked',
  'Completed in 2015',
  'The 2015/16 plan',
  'Plan period 2015-16',
  'Respond within 10 working days',
  'Amber in two consecutive updates',
  '2 members of the Green team',
  'Stage 2 of 4, Q3 2026',
  'Year 11 1st term',
  'Invoice 1234567890',
  'Case MASH-2026-0042 discussed',
  'Referral outcome unclear; strategy meeting requested',
  'Section 11 audit: 85% complete',
  'Named Safeguarding Officers meeting',
  '',
];

describe('the identifier guard', () => {
  it.each(REFUSED)('refuses %j as %s', (text, kind) => {
    expect(scanText(text).refuse).toContain(kind);
  });

  it('finds every identifier in the report’s combined example, not only the first', () => {
    expect(scanText('Jayden Smith (3 March 2015), 12 High St OX4 1AB').refuse).toEqual(expect.arrayContaining(['date-of-birth', 'address', 'postcode']));
    expect(scanText('Jayden Smith DOB 03/03/2015 NHS 943 476 5919').refuse).toEqual(expect.arrayContaining(['date-of-birth', 'nhs-number']));
  });

  it.each(ALLOWED)('lets %j through', (text) => {
    expect(scanText(text).refuse).toEqual([]);
  });

  it.each([
    ['Jayden Smith', true],
    ['Spoke to Jo Bloggs at the school', true],
    ['Named Safeguarding Officers meeting', false],
    ['Children’s Social Care referral', false],
    ['Thames Valley Police', false],
    ['met in March', false],
  ])('%j is %s a name to warn about (a warning, never a refusal)', (text, warned) => {
    const result = scanText(text as string);
    expect(result.warn.includes('name')).toBe(warned);
    expect(result.refuse).toEqual([]);
  });

  it('checks the NHS number’s Modulus 11 digit, so any ten digits are not an NHS number', () => {
    expect(isNhsNumber('9434765919')).toBe(true);
    expect(isNhsNumber('9434765918')).toBe(false);
    expect(isNhsNumber('1234567890')).toBe(false); // check digit would be 10: never issued
  });

  describe('case references', () => {
    it.each(['03-03-2015', '9434765919', 'JSmith-030315', 'Jane Smith', '2015-03-03', 'SMITH-030315', '943 476 5919', 'OX4 1AB', ''])('refuses %j with the default format', (ref) => {
      expect(checkCaseReference(ref, undefined)).toMatchObject({ field: 'caseReference' });
    });

    it.each(['MASH-2026-0042', 'CSC/2026/77', 'HSG-2026-0007', 'CP123456'])('accepts %j with the default format', (ref) => {
      expect(checkCaseReference(ref, undefined)).toBeUndefined();
    });

    it('follows the organisation’s own format, matched whole, and still refuses identifiers inside it', () => {
      const mosaic = 'P\\d{6,8}';
      expect(checkCaseReference('P1234567', mosaic)).toBeUndefined();
      expect(checkCaseReference('MASH-2026-0042', mosaic)).toBeDefined();
      expect(checkCaseReference('xP1234567', mosaic)).toBeDefined(); // anchored even without ^…$
      expect(checkCaseReference('P03032015', mosaic)).toMatchObject({ message: expect.stringMatching(/date of birth/) });
    });
  });
});
