import { agencyOf, type Partnership } from '../access/policy';
import type { Agency } from '../organisation/model';
import { AppError } from '../core/errors';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import { Agencies } from '../organisation/repository';
import { Directory } from './repository';
import type { Person } from './model';

/** Refuses someone the directory does not hold, or holds as having left; the one rule for the bot and the tab. */
export function requireActivePerson(person: Person | undefined, unknownDetail?: string): Person {
  if (!person) throw new AppError('NOT_IN_DIRECTORY', unknownDetail);
  if (!person.active) throw new AppError('FORBIDDEN', 'Your directory entry is marked as having left the organisation.');
  return person;
}

/** Whether a stored link holds for a request signed for `tenantId`: a link is only good in its own tenant. */
export function linkHoldsIn(person: Pick<Person, 'aadTenantId'>, tenantId: string): boolean {
  return !person.aadTenantId || person.aadTenantId.toLowerCase() === tenantId.toLowerCase();
}

/**
 * The tenants an agency's people sign in from: its own, or, for an agency that lists none, the lead
 * agency's: its staff are guests in the lead agency's tenant (a school's, in the council's). An
 * object id is an account of one tenant, so a link of such an agency's person holds only there.
 * Undefined when neither lists a tenant (before agencies, or a lead with none): any allowed tenant.
 */
export function signInTenantsOf(
  agencyId: string | undefined,
  agencies: readonly Pick<Agency, 'agencyId' | 'tenantIds'>[],
  partnership: Partnership,
): string[] | undefined {
  const tenantsOf = (id: string | undefined) => agencies.find((a) => a.agencyId === id)?.tenantIds ?? [];
  const own = tenantsOf(agencyId);
  const tenants = own.length ? own : tenantsOf(partnership.leadAgencyId);
  return tenants.length ? tenants.map((t) => t.toLowerCase()) : undefined;
}

/**
 * Whether a request signed for `tenantId` may act as `person`: the link's own tenant (above) and,
 * in a partnership, one of the tenants the person's agency signs in from (signInTenantsOf). An
 * object id recorded without its tenant would otherwise hold in every allowed tenant, so a token
 * from the police's tenant could be a council officer, or be a school's record that an import gave
 * a police officer's object id.
 */
export async function signInHolds(deps: PartnershipSource, orgId: string, person: Pick<Person, 'aadTenantId' | 'agency'>, tenantId: string): Promise<boolean> {
  if (!linkHoldsIn(person, tenantId)) return false;
  const { store } = deps;
  const partnership = await partnershipFor(deps, orgId);
  const agencyId = agencyOf(person, partnership);
  if (!agencyId) return true;
  const agencies = new Agencies(store);
  const involved = await Promise.all([...new Set([agencyId, partnership.leadAgencyId])].flatMap((id) => (id ? [agencies.read(orgId, id)] : [])));
  const tenants = signInTenantsOf(
    agencyId,
    involved.filter((a) => a !== undefined),
    partnership,
  );
  return !tenants || tenants.includes(tenantId.toLowerCase());
}

/**
 * The directory person behind a signed-in Microsoft 365 user, for the tab. The Entra object id and
 * tenant are what a Teams SSO token carries (`oid`, `tid`); the link must hold in that tenant and
 * the person's agency. The tab never links anyone: the bot and administrators do that.
 */
export async function personForSignIn(deps: PartnershipSource, orgId: string, identity: { aadObjectId: string; tenantId: string }): Promise<Person> {
  const person = await new Directory(deps.store).byAadObjectId({ orgId }, identity.aadObjectId);
  return requireActivePerson(person && (await signInHolds(deps, orgId, person, identity.tenantId)) ? person : undefined);
}
