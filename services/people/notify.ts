import { AppError } from '../core/errors';
import { Directory } from './repository';
import type { NotifyBy, Person } from './model';

/** Sets how a person gets messages. Email needs an address in the directory; the choice is theirs or an administrator's. */
export async function setNotifyBy(directory: Directory, person: Person, choice: NotifyBy): Promise<Person> {
  if (choice !== 'teams' && !person.email) {
    throw new AppError('VALIDATION', `There is no email address for ${person.name} in the directory, so messages stay in Teams. Ask a plan administrator to add one.`);
  }
  return directory.save({ ...person, notifyBy: choice });
}
