import { agencyOf } from '../access/policy';
import { AppError } from '../core/errors';
import { partnershipOf } from '../organisation/organisations';
import { Agencies } from '../organisation/repository';
import type { Store } from '../store/ports';
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
 * Whether a request signed for `tenantId` may act as `person`: the link's own tenant (above) and,
 * in a partnership, one of the tenants of the person's agency when it lists any. An object id
 * recorded without its tenant would otherwise hold in every allowed tenant, so a token from the
 * police's tenant could be a council officer. An agency that lists no tenant has staff who sign in
 * as guests of another, so any allowed tenant may be theirs.
 */
export async function signInHolds(store: Store, orgId: string, person: Pick<Person, 'aadTenantId' | 'agency'>, tenantId: string): Promise<boolean> {
  if (!linkHoldsIn(person, tenantId)) return false;
  const agencyId = agencyOf(person, await partnershipOf(store, orgId));
  if (!agencyId) return true;
  const agency = await new Agencies(store).read(orgId, agencyId);
  return !agency || agency.tenantIds.length === 0 || agency.tenantIds.includes(tenantId.toLowerCase());
}

/**
 * The directory person behind a signed-in Microsoft 365 user, for the tab. The Entra object id and
 * tenant are what a Teams SSO token carries (`oid`, `tid`); the link must hold in that tenant and
 * the person's agency. The tab only reads, so it never links anyone: the bot and administrators do that.
 */
export async function personForSignIn(store: Store, orgId: string, identity: { aadObjectId: string; tenantId: string }): Promise<Person> {
  const person = await new Directory(store).byAadObjectId({ orgId }, identity.aadObjectId);
  return requireActivePerson(person && (await signInHolds(store, orgId, person, identity.tenantId)) ? person : undefined);
}
