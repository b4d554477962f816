import { FixedClock } from '../../../services/core/clock';
import { OPERATOR } from '../../../services/access/policy';
import { escalationReport } from '../../../services/escalations/report';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Organisation } from '../../../services/organisation/model';
import type { Store } from '../../../services/store/ports';
import { namedOverdueList, trainingRates } from '../../../services/training/reports';
import { reachView } from '../../../services/dashboard/reach-view';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

// The use cases refuse by themselves: a transport that forgets a check cannot leak what they guard.
const officer = person({ id: 'ola', name: 'Ola Adeyemi' });
const hr = person({ id: 'hana', name: 'Hana Novak', roles: ['hr'] });
const lead = person({ id: 'lee', name: 'Lee Grant', roles: ['safeguarding-lead'] });
const admin = person({ id: 'adam', name: 'Adam Price', roles: ['admin'] });

describe('use cases enforce the access policy themselves', () => {
  let store: Store;
  let organisation: Organisation;

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [officer, hr, lead, admin] });
    organisation = await ensureOrganisation(store, new FixedClock('2026-10-01T00:00:00Z'), ORG, { timeZone: 'Europe/London' });
  });
  afterAll(() => store.close());

  it('training completion rates: refused to an officer, given to HR, safeguarding leads, administrators and the operator', async () => {
    await expect(trainingRates({ store }, ORG, '2026-11-23', 'department', officer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/HR, administrators and safeguarding leads/),
    });
    for (const requester of [hr, lead, admin, OPERATOR])
      await expect(trainingRates({ store }, ORG, '2026-11-23', 'department', requester)).resolves.toEqual(expect.any(Array));
  });

  it('a requester left out (as a careless caller would) is refused, not taken for the operator', async () => {
    const careless = trainingRates as unknown as (...args: unknown[]) => Promise<unknown>;
    await expect(careless(store, ORG, '2026-11-23', 'department')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect((namedOverdueList as unknown as (...args: unknown[]) => Promise<unknown>)(store, ORG, '2026-11-23')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('the named overdue list: refused to an officer and a safeguarding lead', async () => {
    for (const requester of [officer, lead])
      await expect(namedOverdueList({ store }, ORG, '2026-11-23', requester)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const requester of [hr, admin, OPERATOR]) await expect(namedOverdueList({ store }, ORG, '2026-11-23', requester)).resolves.toEqual(expect.any(Array));
  });

  it('the central record review: refused to an officer and HR, before looking at the dates', async () => {
    for (const requester of [officer, hr]) {
      await expect(escalationReport(store, organisation, '2026-07-01', '2026-09-30', requester)).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/safeguarding leads and administrators/),
      });
      await expect(escalationReport(store, organisation, '2026-09-30', '2026-07-01', requester)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    for (const requester of [lead, admin, OPERATOR])
      await expect(escalationReport(store, organisation, '2026-07-01', '2026-09-30', requester)).resolves.toMatchObject({ raised: 0 });
    await expect(escalationReport(store, organisation, '2026-09-30', '2026-07-01', lead)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('who is reached, by name: refused to an officer, HR and a safeguarding lead; given to an administrator', async () => {
    const deps = { store, clock: new FixedClock('2026-11-23T10:00:00Z'), organisation };
    for (const viewer of [officer, hr, lead])
      await expect(reachView(deps, viewer, { emailEnabled: false })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/plan administrators/),
      });
    await expect(reachView(deps, admin, { emailEnabled: false })).resolves.toMatchObject({
      counts: { teams: 0, email: 0, unreachable: 4 },
      rows: expect.arrayContaining([expect.objectContaining({ name: 'Ola Adeyemi' })]),
    });
  });
});
