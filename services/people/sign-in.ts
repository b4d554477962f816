import { AppError } from '../core/errors';
import type { Store } from '../store/ports';
import { Directory } from './directory';
import type { Person } from './model';

/** Refuses someone the directory does not hold, or holds as having left; the one rule for the bot and the tab. */
export function requireActivePerson(person: Person | undefined, unknownDetail?: string): Person {
  if (!person) throw new AppError('NOT_IN_DIRECTORY', unknownDetail);
  if (!person.active) throw new AppError('FORBIDDEN', 'Your directory entry is marked as having left the organisation.');
  return person;
}

/**
 * The directory person behind a signed-in Microsoft 365 user. The Entra object id is what both a
 * bot activity (`from.aadObjectId`) and a Teams SSO token (`oid`) carry, so both look people up by
 * it; `fallback` is the bot's first-contact linking, which the tab (read-only) does not do.
 */
export async function personForSignIn(
  store: Store,
  orgId: string,
  aadObjectId: string,
  options: { fallback?: () => Promise<Person | undefined>; unknownDetail?: string } = {},
): Promise<Person> {
  const person = (await new Directory(store).byAadObjectId(orgId, aadObjectId)) ?? (await options.fallback?.());
  return requireActivePerson(person, options.unknownDetail);
}
