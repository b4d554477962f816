import { AppError } from '../core/errors';
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
 * The directory person behind a signed-in Microsoft 365 user, for the tab. The Entra object id and
 * tenant are what a Teams SSO token carries (`oid`, `tid`); the link must hold in that tenant. The
 * tab only reads, so it never links anyone: the bot and administrators do that.
 */
export async function personForSignIn(store: Store, orgId: string, identity: { aadObjectId: string; tenantId: string }): Promise<Person> {
  const person = await new Directory(store).byAadObjectId({ orgId }, identity.aadObjectId);
  return requireActivePerson(person && linkHoldsIn(person, identity.tenantId) ? person : undefined);
}
