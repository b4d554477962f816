import { AppError } from '../core/errors';
import { Directory } from './repository';
import type { NotifyBy, Person } from './model';

/**
 * Sets how a person gets messages. Email needs the server to send it (MAIL_SENDER) and an address in
 * the directory: a choice the server cannot honour is refused, not stored, so nobody waits for
 * email that never comes. The choice is theirs or an administrator's.
 */
export async function setNotifyBy(directory: Directory, person: Person, choice: NotifyBy, server: { emailEnabled: boolean }): Promise<Person> {
  if (choice !== 'teams' && !server.emailEnabled) {
    throw new AppError(
      'EMAIL_NOT_SET_UP',
      'Email is not set up on this server, so messages keep coming here in Teams. Ask your administrator if you need them by email.',
    );
  }
  if (choice !== 'teams' && !person.email) {
    throw new AppError(
      'VALIDATION',
      `There is no email address for ${person.name} in the directory, so messages stay in Teams. Ask a plan administrator to add one.`,
    );
  }
  // Only this field: the card's copy of the person may be older than what is stored.
  return directory.update(person.orgId, person.id, (current) => ({ ...current, notifyBy: choice }));
}
