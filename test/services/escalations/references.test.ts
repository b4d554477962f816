import { FixedClock } from '../../../services/core/clock';
import { raiseEscalation } from '../../../services/escalations/escalations';
import type { Escalation } from '../../../services/escalations/model';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const TZ = 'Europe/London';

/**
 * Cosmos DB has no sequences: references made from a count of the year's escalations gave two
 * concerns raised at the same moment the same ESC-YYYY-NNNN.
 */
describe('escalation references stay unique when concerns are raised at the same moment', () => {
  let store: Store;
  const calendar = new WorkingCalendar();
  beforeAll(async () => {
    store = await openTestStore();
    await ensureOrganisation(store, new FixedClock('2026-11-01T00:00:00Z'), ORG, { timeZone: TZ });
  });
  afterAll(() => store.close());

  const raise = async (raiser: Person, at: string) => {
    const organisation = await ensureOrganisation(store, new FixedClock(at), ORG, { timeZone: TZ });
    const data = {
      category: 'referral-outcome',
      agency: 'MASH',
      caseReference: 'MASH-2026-0042',
      asked: 'Outcome of the referral made in November',
      wanted: 'Feedback within a week',
    };
    return (await raiseEscalation({ store, clock: new FixedClock(at), calendar }, { actor: raiser, organisation, data })).escalation;
  };

  it('twelve practitioners raising at once get twelve different references, numbered on from the year’s count', async () => {
    const raisers = Array.from({ length: 12 }, (_, i) => person({ id: `raiser-${i}`, name: `Raiser ${i}` }));
    await seed(store, { people: raisers });
    const first = await raise(raisers[0]!, '2026-12-10T09:00:00Z');
    expect(first.ref).toBe('ESC-2026-0001');

    const together = await Promise.all(raisers.slice(1).map((r) => raise(r, '2026-12-10T10:00:00Z')));

    const refs = together.map((e: Escalation) => e.ref).sort();
    expect(new Set(refs).size).toBe(11);
    expect(refs).toEqual(Array.from({ length: 11 }, (_, i) => `ESC-2026-${String(i + 2).padStart(4, '0')}`));
  });

  it('a new year starts again at 0001', async () => {
    const [r] = await seed(store, { people: [person({ id: 'ny', name: 'New Year' })] }).then(() => [person({ id: 'ny', name: 'New Year' })]);
    expect((await raise(r!, '2027-01-04T10:00:00Z')).ref).toBe('ESC-2027-0001');
  });
});
