import { REACH_COMMANDS } from '../../../services/reach/teams';
import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import type { Store } from '../../../services/store/ports';
import { ORG, person, seed } from '../../harness/fixtures';
import { cardText, routeContexts, typed } from '../../harness/route-context';
import { openTestStore } from '../../harness/store';

/** "notify by …": how a person chooses to be reached, as the bot runs it. */
describe('notify by teams | email | both', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-30T10:00:00Z');
  const val = person({ id: 'val', name: 'Val Johnson', email: 'vjohnson@oxford.gov.uk' });
  const noAddress = person({ id: 'no-address', name: 'No Address' });
  const notifyByOf = async (p: Person) => (await store.collection<Person>('people').read(ORG, p.id))?.notifyBy;

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [val, noAddress] });
  });
  afterAll(() => store.close());

  it('on a server that sends email, a person chooses email, both or Teams for themselves; without an address email is refused', async () => {
    const contextFor = routeContexts(store, clock, { emailEnabled: true });
    expect(cardText(await typed(REACH_COMMANDS, await contextFor(val), 'notify by email'))).toMatch(/by email from now on/);
    expect(await notifyByOf(val)).toBe('email');
    expect(cardText(await typed(REACH_COMMANDS, await contextFor(val), 'notify me by teams'))).toMatch(/here in Teams/);
    expect(await notifyByOf(val)).toBe('teams');
    await expect(typed(REACH_COMMANDS, await contextFor(noAddress), 'notify by both')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/no email address for No Address/),
    });
  });

  it('on a server with no email set up, email and both are refused saying so, and messages stay in Teams', async () => {
    const contextFor = routeContexts(store, clock, { emailEnabled: false });
    for (const choice of ['email', 'both']) {
      await expect(typed(REACH_COMMANDS, await contextFor(val), `notify by ${choice}`)).rejects.toMatchObject({
        code: 'EMAIL_NOT_SET_UP',
        message: expect.stringMatching(/Email is not set up on this server, so messages keep coming here in Teams/),
      });
    }
    expect(await notifyByOf(val)).toBe('teams');
    expect(cardText(await typed(REACH_COMMANDS, await contextFor(val), 'notify by teams'))).toMatch(/here in Teams/);
  });
});
