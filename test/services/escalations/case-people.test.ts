import { FixedClock } from '../../../services/core/clock';
import { raiseEscalation, visibleOpenEscalations } from '../../../services/escalations/escalations';
import type { Organisation } from '../../../services/organisation/model';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const OFFICERS = 1000;

/** The same store, counting every person document it hands out (point reads and query results). */
function countingPeopleReads(store: Store): { store: Store; read: () => number } {
  let read = 0;
  const counted = <C extends object>(collection: C): C =>
    new Proxy(collection, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'read') {
          return async (...args: unknown[]) => {
            const found: unknown = await value.apply(target, args);
            if (found) read++;
            return found;
          };
        }
        if (prop === 'query') {
          return (...args: unknown[]) =>
            (async function* () {
              for await (const doc of value.apply(target, args) as AsyncIterable<unknown>) {
                read++;
                yield doc;
              }
            })();
        }
        return value.bind(target);
      },
    });
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === 'collection')
        return (name: Parameters<Store['collection']>[0]) => (name === 'people' ? counted(target.collection(name)) : target.collection(name));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: wrapped, read: () => read };
}

describe('escalation visibility reads the people a case involves, not the whole directory', () => {
  let store: Store;
  let organisation: Organisation;
  const clock = new FixedClock('2026-12-10T10:00:00Z');
  const staff = Array.from({ length: OFFICERS }, (_, i) =>
    person({ id: `officer-${String(i).padStart(4, '0')}`, name: `Officer ${i}`, managerId: `manager-${i % 10}`, department: 'Children' }),
  );
  const managers = Array.from({ length: 10 }, (_, i) =>
    person({ id: `manager-${i}`, name: `Manager ${i}`, roles: ['manager'], managerId: 'director', department: 'Children' }),
  );
  const lead = person({ id: 'lead', name: 'Sam Lead', roles: ['safeguarding-lead'] });
  const partnerLead = person({ id: 'partner-lead', name: 'Pat Police', roles: ['safeguarding-lead'], agency: 'police' });
  const director = person({ id: 'director', name: 'Dee Director', roles: ['head-of-service'], department: 'Children' });

  beforeAll(async () => {
    store = await openTestStore();
    organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    await seed(store, { people: [...staff, ...managers, lead, partnerLead, director] });
    for (const raiser of [staff[1]!, staff[2]!, staff[13]!]) {
      await raiseEscalation(
        { store, clock, calendar: new WorkingCalendar() },
        {
          actor: raiser,
          organisation,
          data: {
            category: 'referral-outcome',
            agency: 'MASH',
            caseReference: `MASH-2026-00${raiser.id.slice(-2)}`,
            asked: 'Outcome of the referral',
            wanted: 'Feedback within a week',
          },
        },
      );
    }
  });
  afterAll(() => store.close());

  it('a manager opening the escalations view sees their team’s cases, reading a handful of people rather than a thousand', async () => {
    const counting = countingPeopleReads(store);
    const seen = await visibleOpenEscalations(counting.store, managers[1]!, organisation);
    expect(seen.map((e) => e.raisedBy.personId).sort()).toEqual(['officer-0001']);
    expect(counting.read()).toBeLessThan(30);
  });

  it('a safeguarding lead sees every case of their agency and one of another agency sees none, each reading only role holders and the cases’ people', async () => {
    for (const [viewer, expected] of [
      [lead, ['officer-0001', 'officer-0002', 'officer-0013']],
      [partnerLead, []],
    ] as const) {
      const counting = countingPeopleReads(store);
      const seen = await visibleOpenEscalations(counting.store, viewer, organisation);
      expect(seen.map((e) => e.raisedBy.personId).sort()).toEqual(expected);
      expect(counting.read()).toBeLessThan(30);
    }
  });

  it('an officer with no part in any case sees none, and the answer costs no directory scan', async () => {
    const counting = countingPeopleReads(store);
    expect(await visibleOpenEscalations(counting.store, staff[500]!, organisation)).toEqual([]);
    expect(counting.read()).toBeLessThan(30);
  });
});
