import { FixedClock } from '../../../services/core/clock';
import { ensureOrganisation, partnershipFor } from '../../../services/organisation/organisations';
import { Organisations } from '../../../services/organisation/repository';
import type { Store } from '../../../services/store/ports';
import { ORG } from '../../harness/fixtures';
import { countingStore, openTestStore } from '../../harness/store';

describe('the partnership a use case works in', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');

  beforeAll(async () => {
    store = await openTestStore();
    await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    await new Organisations(store).update(ORG, (o) => ({ ...o, leadAgencyId: 'council' }));
  });
  afterAll(() => store.close());

  it('comes from the turn’s context when it holds the organisation, with no read of the store', async () => {
    const organisation = (await new Organisations(store).read(ORG))!;
    const counted = countingStore(store);
    expect(await partnershipFor({ store: counted.store, organisation }, ORG)).toMatchObject({ orgId: ORG, leadAgencyId: 'council' });
    expect(counted.calls).toEqual([]);
  });

  it('is read once when the caller holds none, or another organisation', async () => {
    const counted = countingStore(store);
    expect(await partnershipFor({ store: counted.store }, ORG)).toEqual({ orgId: ORG, leadAgencyId: 'council' });
    const other = { ...(await new Organisations(store).read(ORG))!, id: 'other', orgId: 'other', leadAgencyId: 'police' };
    expect(await partnershipFor({ store: counted.store, organisation: other }, ORG)).toEqual({ orgId: ORG, leadAgencyId: 'council' });
    expect(counted.calls).toEqual(['organisations.read', 'organisations.read']);
  });
});
