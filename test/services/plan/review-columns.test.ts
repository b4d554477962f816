import { parsePlanTable } from '../../../services/plan/plan-rows';
import type { Table } from '../../../services/core/tabular';

const HEADERS = ['Learning point', 'Action', 'Evidence', 'Completion date', 'Lead', 'Progress', 'Status', 'Review', 'Recommendation'];
const table = (rows: Record<string, string>[]): Table => ({ headers: HEADERS, rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells })) });
const row = (over: Record<string, string> = {}) => ({
  'Learning point': '',
  Action: 'Do it',
  Evidence: 'Minutes',
  'Completion date': 'April 2015',
  Lead: 'Val Johnson',
  Progress: '',
  Status: 'G',
  Review: '',
  Recommendation: '',
  ...over,
});

describe('a plan row naming the review recommendation it answers', () => {
  it('links the learning point’s rows, carrying the link down as the learning point is', () => {
    const { rows, problems } = parsePlanTable(
      table([
        row({ 'Learning point': 'Learning Point 1: Training', Review: 'scr-children-a-f-2015', Recommendation: 'SCR-1' }),
        row({ Action: 'Then this' }),
        row({ 'Learning point': 'Learning Point 2: Procedures' }),
      ]),
    );
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.review)).toEqual([
      { reviewId: 'scr-children-a-f-2015', recommendationId: 'SCR-1' },
      { reviewId: 'scr-children-a-f-2015', recommendationId: 'SCR-1' },
      undefined,
    ]);
  });

  it('refuses a row whose review or recommendation cannot be an id, saying which', () => {
    const { rows, problems } = parsePlanTable(
      table([
        row({ 'Learning point': 'Learning Point 1: Training', Review: 'Serious case review', Recommendation: 'R1' }),
        row({ 'Learning point': 'Learning Point 2: Procedures', Review: 'scr-2015', Recommendation: 'R 1/2' }),
      ]),
    );
    expect(rows).toEqual([]);
    expect(problems).toEqual([
      { rowNumber: 2, reason: expect.stringMatching(/Review "Serious case review" is not a review id/) },
      { rowNumber: 3, reason: expect.stringMatching(/Recommendation "R 1\/2" is not a recommendation number/) },
    ]);
  });
});
