import https from 'node:https';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { addAgency } from '../../../services/organisation/agencies';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { SignInRoles, syncGroupRoles, type GroupRolesDeps } from '../../../services/reach/group-roles';
import type { Person } from '../../../services/people/model';
import { applyBootstrapAdmins, grantRole, groupMapsReport, mapGroup, revokeRole, roleHoldersReport, unmapGroup } from '../../../services/people/roles';
import { readRoleMaps } from '../../../services/people/roles-repository';
import { HttpGraphGateway } from '../../../services/reach/graph';
import { migrate } from '../../../services/migrations/migrations';
import type { Store } from '../../../services/store/ports';
import { OPERATOR } from '../../../services/access/policy';
import { FakeGraph } from '../../harness/fake-graph';
import { ORG, person, seed } from '../../harness/fixtures';
import { oid, appEvents } from '../../harness/partnership';
import { openTestStore } from '../../harness/store';
import { TEST_BOT_ID, TEST_TENANT_ID } from '../../harness/teams-activities';

const CLIENT = { tenantId: TEST_TENANT_ID, clientId: TEST_BOT_ID, clientSecret: 'test-only-client-secret' };
const GROUP = '9a1e0000-0000-4000-8000-0000000000b1';
const OTHER_GROUP = '9a1e0000-0000-4000-8000-0000000000b2';
const DEFAULTS = { timeZone: 'Europe/London' };

/*
 * Who may give which role, what a bad request is told, and how Entra groups give and take roles:
 * the embedded store and the real Graph adapter against the fake Graph.
 */
describe('roles in a partnership of a council (the lead agency) and the police', () => {
  let store: Store;
  let graph: FakeGraph;
  let agent: https.Agent;
  let groups: HttpGraphGateway;
  const clock = new FixedClock('2026-11-23T07:00:00Z');
  const deps = () => ({ store, clock });
  const sync = (): GroupRolesDeps => ({ store, clock, groups, readsPerSecond: 1000 });
  const get = async (id: string) => (await store.collection<Person>('people').read(ORG, id))!;

  beforeEach(async () => {
    clock.set('2026-11-23T07:00:00Z');
    store = await openTestStore();
    graph = await FakeGraph.start(CLIENT);
    agent = new https.Agent({ ca: graph.ca, keepAlive: true });
    groups = new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...CLIENT }, { agent, retryDelayInMs: 10 });
    await ensureOrganisation(store, clock, ORG, DEFAULTS);
    await addAgency(store, clock, ORG, { name: 'Council' }, DEFAULTS, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, DEFAULTS, appEvents());
    await seed(store, {
      people: [
        person({ id: 'ada', name: 'Ada Council-Admin', email: 'ada@council.example', agency: 'council', roles: ['admin'], aadObjectId: oid(1) }),
        person({ id: 'percy', name: 'Percy Police-Admin', email: 'percy@police.example', agency: 'police', roles: ['admin'], aadObjectId: oid(2) }),
        person({ id: 'carol', name: 'Carol Council', email: 'carol@council.example', agency: 'council', aadObjectId: oid(3) }),
        person({ id: 'pat', name: 'Pat Police', email: 'pat@police.example', agency: 'police', aadObjectId: oid(4) }),
        person({ id: 'hugh', name: 'Hugh Council-HR', email: 'hugh@council.example', agency: 'council', roles: ['hr'], aadObjectId: oid(5) }),
        person({ id: 'leaver', name: 'Len Leaver', agency: 'council', aadObjectId: oid(6), active: false }),
      ],
    });
  });
  afterEach(async () => {
    agent.destroy();
    await graph.close();
    await store.close();
  });

  describe('bad input is refused with the reason', () => {
    it('an unknown role lists the roles; officer is nobody’s to grant', async () => {
      const ada = await get('ada');
      await expect(grantRole(deps(), { orgId: ORG, requester: ada, person: 'carol', role: 'superuser' })).rejects.toMatchObject({
        code: 'VALIDATION',
        message:
          '"superuser" is not a role. The roles are: admin, hr, safeguarding-lead, manager, head-of-service, business-manager, partnership-executive, s11-lead.',
      });
      await expect(grantRole(deps(), { orgId: ORG, requester: ada, person: 'carol', role: 'officer' })).rejects.toMatchObject({
        code: 'VALIDATION',
        message: /Everyone is an officer/,
      });
      await expect(mapGroup(deps(), { orgId: ORG, requester: ada, groupId: GROUP, role: 'root' })).rejects.toMatchObject({
        code: 'VALIDATION',
        message: /The roles are: admin, hr/,
      });
    });

    it('a group id that is not a GUID, and a person not in the directory', async () => {
      const ada = await get('ada');
      await expect(mapGroup(deps(), { orgId: ORG, requester: ada, groupId: 'HR Team', role: 'hr' })).rejects.toMatchObject({
        code: 'VALIDATION',
        message: /"HR Team" is not an Entra group object id/,
      });
      await expect(mapGroup(deps(), { orgId: ORG, requester: ada, groupId: `${GROUP}/../x`, role: 'hr' })).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(grantRole(deps(), { orgId: ORG, requester: ada, person: 'nobody@council.example', role: 'hr' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: /No one with the id or email "nobody@council.example" is in the directory/,
      });
      await expect(grantRole(deps(), { orgId: ORG, requester: ada, person: 'leaver', role: 'hr' })).rejects.toMatchObject({
        code: 'VALIDATION',
        message: /having left/,
      });
      expect((await readRoleMaps(store, ORG)).maps).toEqual([]);
    });

    it('attack: an agency’s administrator granting or mapping outside their agency is OUTSIDE_AGENCY', async () => {
      const percy = await get('percy');
      await expect(grantRole(deps(), { orgId: ORG, requester: percy, person: 'carol@council.example', role: 'safeguarding-lead' })).rejects.toMatchObject({
        code: 'OUTSIDE_AGENCY',
      });
      await expect(mapGroup(deps(), { orgId: ORG, requester: percy, groupId: GROUP, role: 'hr', agency: 'council' })).rejects.toMatchObject({
        code: 'OUTSIDE_AGENCY',
      });
      await expect(revokeRole(deps(), { orgId: ORG, requester: percy, person: 'hugh', role: 'hr' })).rejects.toMatchObject({ code: 'OUTSIDE_AGENCY' });
      // --agency must be the person's own: a role applies within its holder's agency.
      await expect(grantRole(deps(), { orgId: ORG, requester: OPERATOR, person: 'carol', role: 'hr', agency: 'police' })).rejects.toMatchObject({
        code: 'OUTSIDE_AGENCY',
        message: /Carol Council is of council, not police/,
      });
      expect((await get('carol')).roles).toEqual(['officer']);
      expect((await get('hugh')).roles).toEqual(['hr']);
      // Within their own agency they may.
      await grantRole(deps(), { orgId: ORG, requester: percy, person: 'pat@police.example', role: 'safeguarding-lead' });
      expect((await get('pat')).roles).toEqual(['officer', 'safeguarding-lead']);
    });

    it('attack: partnership roles are granted by the partnership’s administrators only; HR grants nothing', async () => {
      const [percy, hugh, ada] = [await get('percy'), await get('hugh'), await get('ada')];
      for (const role of ['business-manager', 'partnership-executive']) {
        await expect(grantRole(deps(), { orgId: ORG, requester: percy, person: 'pat', role })).rejects.toMatchObject({
          code: 'FORBIDDEN',
          message: /only the partnership’s administrators grant it/,
        });
      }
      await expect(grantRole(deps(), { orgId: ORG, requester: hugh, person: 'carol', role: 'hr' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: 'Only administrators grant roles and map groups to them.',
      });
      // The council's administrator is the partnership's: any role, any agency.
      await grantRole(deps(), { orgId: ORG, requester: ada, person: 'pat', role: 'partnership-executive' });
      await grantRole(deps(), { orgId: ORG, requester: ada, person: 'carol', role: 'admin' });
      expect((await get('pat')).roles).toEqual(['officer', 'partnership-executive']);
      expect((await get('carol')).roleGrants).toEqual([
        { role: 'admin', source: { kind: 'direct', by: { personId: 'ada', name: 'Ada Council-Admin', surface: 'cli' }, at: '2026-11-23T07:00:00.000Z' } },
      ]);
    });

    it('the last partnership administrator cannot be revoked; with another one, they can', async () => {
      const ada = await get('ada');
      await expect(revokeRole(deps(), { orgId: ORG, requester: ada, person: 'ada', role: 'admin' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: /last administrator/,
      });
      // The police's administrator does not count: they administer the police only.
      await grantRole(deps(), { orgId: ORG, requester: ada, person: 'carol', role: 'admin' });
      await revokeRole(deps(), { orgId: ORG, requester: await get('carol'), person: 'ada', role: 'admin' });
      expect((await get('ada')).roles).toEqual(['officer']);
    });
  });

  describe('Entra groups', () => {
    it('give the role to members of the map’s agency only, through nested groups, and never take a direct grant away', async () => {
      const ada = await get('ada');
      graph.setGroup(GROUP, [oid(3), { group: OTHER_GROUP }]);
      graph.setGroup(OTHER_GROUP, [oid(4), oid(5), oid(6), 'ffffffff-0000-4000-8000-00000000ffff']);
      await mapGroup(deps(), { orgId: ORG, requester: ada, groupId: GROUP, role: 'hr' });
      expect(await syncGroupRoles(sync(), ORG)).toEqual({ groups: 1, unreadable: 0, granted: 2, removed: 0 });
      // Carol (council) is HR; Pat is police, so a council map gives him nothing; the leaver gets nothing.
      expect((await get('carol')).roles).toEqual(['officer', 'hr']);
      expect((await get('pat')).roles).toEqual(['officer']);
      expect((await get('leaver')).roles).toEqual(['officer']);
      // Hugh held HR before sources were kept, and is also a member now: two grants.
      expect((await get('hugh')).roleGrants?.map((g) => g.source.kind).sort()).toEqual(['earlier', 'group']);

      graph.setGroup(GROUP, []);
      graph.setGroup(OTHER_GROUP, []);
      expect(await syncGroupRoles(sync(), ORG)).toEqual({ groups: 1, unreadable: 0, granted: 0, removed: 2 });
      expect((await get('carol')).roles).toEqual(['officer']);
      expect((await get('hugh')).roles).toEqual(['hr']);
      const report = await roleHoldersReport({ store }, { orgId: ORG, requester: ada, role: 'hr' });
      expect(report.rows).toEqual([['Hugh Council-HR', 'hugh@council.example', 'council', 'hr', 'granted before sources were recorded', 'yes']]);
    });

    it('a direct revoke leaves a group role in place and says so; unmapping takes the group’s roles away at once', async () => {
      const ada = await get('ada');
      graph.setGroup(GROUP, [oid(3)]);
      await mapGroup(deps(), { orgId: ORG, requester: ada, groupId: GROUP, role: 'safeguarding-lead' });
      await grantRole(deps(), { orgId: ORG, requester: ada, person: 'carol', role: 'safeguarding-lead' });
      await syncGroupRoles(sync(), ORG);
      expect((await revokeRole(deps(), { orgId: ORG, requester: ada, person: 'carol', role: 'safeguarding-lead' })).stillFrom).toEqual([GROUP]);
      await expect(revokeRole(deps(), { orgId: ORG, requester: ada, person: 'carol', role: 'safeguarding-lead' })).rejects.toMatchObject({
        code: 'VALIDATION',
        message: /through Entra group/,
      });
      expect((await get('carol')).roles).toEqual(['officer', 'safeguarding-lead']);
      expect(await unmapGroup(deps(), { orgId: ORG, requester: ada, groupId: GROUP, role: 'safeguarding-lead' })).toEqual({ removedFrom: 1 });
      expect((await get('carol')).roles).toEqual(['officer']);
      await expect(unmapGroup(deps(), { orgId: ORG, requester: ada, groupId: GROUP, role: 'safeguarding-lead' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('reads every page of a large group, paced, and waits as long as Graph’s Retry-After asks', async () => {
      const members = Array.from({ length: 2100 }, (_, i) => `70000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      graph.setGroup(GROUP, [...members, oid(3)]);
      await mapGroup(deps(), { orgId: ORG, requester: await get('ada'), groupId: GROUP, role: 'hr' });
      graph.fail({ status: 429, retryAfterSeconds: 1 }, { match: (c) => c.path.includes('/groups/') });
      await syncGroupRoles({ ...sync(), readsPerSecond: 5 }, ORG);
      expect((await get('carol')).roles).toEqual(['officer', 'hr']);
      const reads = graph.graphCalls({ method: 'GET' });
      expect(reads.map((c) => c.status)).toEqual([429, 200, 200, 200]);
      expect(reads.map((c) => c.query.$top)).toEqual(['999', '999', '999', '999']);
      expect(reads[1]!.at - reads[0]!.at).toBeGreaterThanOrEqual(995);
      // Paced at 5 a second: pages 1/5 s apart (unpaced they follow within milliseconds; arrival times jitter a little).
      expect(reads[3]!.at - reads[2]!.at).toBeGreaterThanOrEqual(150);
    });

    it('a group that cannot be read leaves roles as they were, and each administrator hears of it once', async () => {
      const [ada, percy] = [await get('ada'), await get('percy')];
      graph.setGroup(GROUP, [oid(3)]);
      graph.setGroup(OTHER_GROUP, [oid(4)]);
      await mapGroup(deps(), { orgId: ORG, requester: ada, groupId: GROUP, role: 'hr' });
      await mapGroup(deps(), { orgId: ORG, requester: percy, groupId: OTHER_GROUP, role: 'hr' });
      await syncGroupRoles(sync(), ORG);
      expect((await get('carol')).roles).toEqual(['officer', 'hr']);

      // Consent withdrawn: every read is refused. Nobody loses a role, however many runs.
      graph.revoke('GroupMember.Read.All');
      groups = new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...CLIENT }, { agent, retryDelayInMs: 10 });
      graph.setGroup(GROUP, []);
      for (const day of ['2026-11-24', '2026-11-25']) {
        clock.set(`${day}T07:00:00Z`);
        expect(await syncGroupRoles(sync(), ORG)).toMatchObject({ groups: 2, unreadable: 2, removed: 0 });
      }
      expect((await get('carol')).roles).toEqual(['officer', 'hr']);
      expect((await get('pat')).roles).toEqual(['officer', 'hr']);
      const notices = (await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items;
      // One per group per administrator who can fix its map: Ada (the partnership's) for both, Percy for the police's.
      expect(
        notices.map((n) => `${n.recipient && 'personId' in n.recipient ? n.recipient.personId : ''} ${n.id.includes(GROUP) ? 'council' : 'police'}`).sort(),
      ).toEqual(['ada council', 'ada police', 'percy police']);
      expect(JSON.stringify(notices[0]!.message)).toMatch(/GroupMember\.Read\.All/);
      expect((await groupMapsReport({ store }, { orgId: ORG, requester: percy })).rows).toEqual([
        [OTHER_GROUP, 'hr', 'police', 'Percy Police-Admin, 23 Nov 2026', expect.stringMatching(/^cannot be read since 24 Nov 2026/)],
      ]);

      // Readable again: the problem clears and the roles follow the group.
      graph.grant('GroupMember.Read.All');
      groups = new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...CLIENT }, { agent, retryDelayInMs: 10 });
      expect(await syncGroupRoles(sync(), ORG)).toMatchObject({ unreadable: 0, removed: 1 });
      expect((await get('carol')).roles).toEqual(['officer']);
      expect((await readRoleMaps(store, ORG)).problems).toEqual([]);
    });

    it('a sign-in brings the person’s group roles up to date, and asks Graph again only after a few minutes', async () => {
      graph.setGroup(GROUP, []);
      await mapGroup(deps(), { orgId: ORG, requester: await get('ada'), groupId: GROUP, role: 'hr' });
      // Minutes in production; a fraction of a second here.
      const signIn = new SignInRoles({ store, clock, logger: silentLogger, bootstrapObjectIds: [], groups }, { ttlMs: 300 });
      expect((await signIn.refresh(await get('carol'))).roles).toEqual(['officer']);
      graph.setGroup(GROUP, [oid(3)]);
      // Within the cache: Graph is not asked again.
      expect((await signIn.refresh(await get('carol'))).roles).toEqual(['officer']);
      expect(graph.graphCalls({ method: 'GET' })).toHaveLength(1);
      // Once the cache has run out, the new member holds the role at their next sign-in.
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await signIn.refresh(await get('carol'))).roles).toEqual(['officer', 'hr']);
      expect(graph.graphCalls({ method: 'GET' })).toHaveLength(2);
      // Graph refusing at sign-in changes nothing.
      graph.fail({ status: 404, code: 'Request_ResourceNotFound' }, { times: Infinity });
      graph.setGroup(GROUP, []);
      const refused = new SignInRoles({ store, clock, logger: silentLogger, bootstrapObjectIds: [], groups });
      expect((await refused.refresh(await get('carol'))).roles).toEqual(['officer', 'hr']);
    });
  });

  it('BOOTSTRAP_ADMIN_OBJECT_IDS makes a partnership administrator of whoever the directory holds, once', async () => {
    const made = await applyBootstrapAdmins(deps(), ORG, [oid(3).toUpperCase(), '12345678-0000-4000-8000-000000000000']);
    expect(made.map((p) => p.id)).toEqual(['carol']);
    expect(await applyBootstrapAdmins(deps(), ORG, [oid(3)])).toEqual([]);
    expect((await get('carol')).roleGrants).toEqual([{ role: 'admin', source: { kind: 'bootstrap', at: '2026-11-23T07:00:00.000Z' } }]);
    // At sign-in too, for someone an import brought in later.
    await seed(store, { people: [person({ id: 'newcomer', name: 'New Comer', agency: 'council', aadObjectId: oid(9) })] });
    const signIn = new SignInRoles({ store, clock, logger: silentLogger, bootstrapObjectIds: [oid(9)] });
    expect((await signIn.refresh(await get('newcomer'))).roles).toEqual(['officer', 'admin']);
  });

  it('roles held before sources were recorded become grants from earlier; the roles themselves are unchanged', async () => {
    await migrate(store, silentLogger);
    expect((await get('ada')).roleGrants).toEqual([{ role: 'admin', source: { kind: 'earlier' } }]);
    expect((await get('ada')).roles).toEqual(['admin']);
    expect((await get('carol')).roleGrants).toBeUndefined();
    expect(await migrate(store, silentLogger)).toEqual({});
  });
});
