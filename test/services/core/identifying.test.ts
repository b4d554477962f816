import { checkCaseReference, isNhsNumber, scanText } from '../../../services/core/identifying';

// Dates of birth, NHS numbers, phone numbers, postcodes and addresses in every form, and the
// ordinary text that must pass, are generated in identifier-generator.test.ts.

describe('the identifier guard', () => {
  it('finds every identifier in the report’s combined example, not only the first', () => {
    expect(scanText('Jayden Smith (3 March 2015), 12 High St OX4 1AB').refuse).toEqual(expect.arrayContaining(['date-of-birth', 'address', 'postcode']));
    expect(scanText('Jayden Smith DOB 03/03/2015 NHS 943 476 5919').refuse).toEqual(expect.arrayContaining(['date-of-birth', 'nhs-number']));
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
    it.each(['03-03-2015', '9434765919', 'JSmith-030315', 'Jane Smith', '2015-03-03', 'SMITH-030315', '943 476 5919', 'OX4 1AB', ''])(
      'refuses %j with the default format',
      (ref) => {
        expect(checkCaseReference(ref, undefined)).toMatchObject({ field: 'caseReference' });
      },
    );

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
