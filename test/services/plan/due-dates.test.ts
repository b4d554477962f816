import { parseDueText } from '../../../services/plan/due-dates';

const dates = (text: string) => {
  const r = parseDueText(text);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got: ${r.reason}`);
  return r.value;
};
const refused = (text: string) => {
  const r = parseDueText(text);
  if (r.ok) throw new Error(`expected "${text}" to be refused, got ${JSON.stringify(r.value)}`);
  return r.reason;
};

describe('reading the messy completion dates of a real plan', () => {
  it.each([
    ['9th June 2019', ['2019-06-09']],
    ['19 March 2015', ['2015-03-19']],
    ['2015-06-09', ['2015-06-09']],
    ['09/06/2015', ['2015-06-09']],
  ])('"%s" is that day', (text, expected) => expect(dates(text).dates).toEqual(expected));

  it.each([
    ['April 2015', '2015-04-30'],
    ['Oct 2015', '2015-10-31'],
    ['Sept 2015', '2015-09-30'],
    ['February 2016', '2016-02-29'],
  ])('"%s" is due by the end of the month', (text, expected) => expect(dates(text).dates).toEqual([expected]));

  it("'Before October 2015' is due by the end of September", () => expect(dates('Before October 2015').dates).toEqual(['2015-09-30']));
  it("'before 9 June 2015' is due the day before", () => expect(dates('before 9 June 2015').dates).toEqual(['2015-06-08']));

  it.each([
    ['Feb/March 2015', '2015-03-31'],
    ['April  2015 –June 2015', '2015-06-30'],
    ['April 2015 - June 2015', '2015-06-30'],
    ['March/June 2015', '2015-06-30'],
    ['April May 2015', '2015-05-31'],
    ['March to June 2015', '2015-06-30'],
  ])('the range "%s" is due by the end of its later month', (text, expected) => expect(dates(text).dates).toEqual([expected]));

  it.each([
    ['March 2015 19th March 2015', ['2015-03-19', '2015-03-31']],
    ['April 2015 April 2016', ['2015-04-30', '2016-04-30']],
    ['February 2015 and Review April 2015', ['2015-02-28', '2015-04-30']],
  ])('"%s" holds each of its dates', (text, expected) => expect(dates(text).dates).toEqual(expected));

  it.each([
    ['On-going', [], 'unspecified'],
    ['Ongoing', [], 'unspecified'],
    ['April 2015 On-going', ['2015-04-30'], 'unspecified'],
    ['April 2015 then monthly', ['2015-04-30'], 'monthly'],
    ['Feb 2015 and on-going', ['2015-02-28'], 'unspecified'],
    ['quarterly', [], 'quarterly'],
    ['6 monthly', [], 'six-monthly'],
    ['annually from April 2016', ['2016-04-30'], 'annual'],
  ])('"%s" is ongoing with its cadence', (text, expected, cadence) => {
    expect(dates(text)).toMatchObject({ dates: expected, ongoing: { cadence } });
  });

  it('keeps the cell as written, with whitespace folded', () => expect(dates(' April\n2015  On-going ').text).toBe('April 2015 On-going'));

  it.each([
    ['March On-going', /"march" has no year/],
    ['April', /"april" has no year/],
    ['October 2915', /year 2915 is not plausible/],
    ['May 1999', /year 1999 is not plausible/],
    ['31st June 2015', /not a real date/],
    ['', /no completion date/],
    ['TBC', /unrecognised word "tbc"/],
    ['2015', /"2015" has no month/],
    ['June/April 2015', /ends before it starts/],
    ['Before', /not followed by a date/],
  ])('"%s" is refused, never guessed', (text, reason) => expect(refused(text)).toMatch(reason));

  it('warns when one cell’s dates span more than two years (a likely typo)', () => {
    const r = parseDueText('April 2015 April 2025');
    expect(r.ok && r.warnings).toEqual([expect.stringMatching(/span 10 years/)]);
  });
});
