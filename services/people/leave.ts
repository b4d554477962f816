import type { Clock } from '../core/clock';
import { today } from '../core/dates';
import { AppError } from '../core/errors';
import { Directory } from './repository';
import { matchByName, type Person } from './model';
import type { Store } from '../store/ports';
import { sameAgency } from '../access/policy';
import { partnershipFor } from '../organisation/organisations';
import { personalConversationKey, whyNotInTeams } from '../conversations/model';
import { Conversations } from '../conversations/repository';

/**
 * An owner marks themselves on leave until a date with a delegate, found by email or exact name
 * in the directory. The delegate then gets their reminders and may update their actions, so they
 * are one of the owner's own agency's people; anyone else is answered as not in the directory, so
 * the command cannot be used to look up another agency's staff.
 */
export async function setLeave(
  deps: { store: Store; clock: Clock },
  input: { actor: Person; until: string; delegate: string; timeZone: string; emailEnabled?: boolean },
): Promise<{ person: Person; delegate: Person; delegateUnreachable?: string }> {
  const day = today(deps.clock, input.timeZone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.until) || Number.isNaN(Date.parse(input.until)))
    throw new AppError('VALIDATION', `"${input.until}" is not a date; give it as YYYY-MM-DD.`);
  if (input.until < day) throw new AppError('VALIDATION', 'The end of your leave must be today or later.');
  const directory = new Directory(deps.store);
  const partnership = await partnershipFor(deps, input.actor.orgId);
  const colleague = (p: Person | undefined) => (p && sameAgency(p, input.actor, partnership) ? p : undefined);
  const wanted = input.delegate.trim().slice(0, 200);
  let delegate = wanted.includes('@') ? colleague(await directory.byEmail({ orgId: input.actor.orgId }, wanted)) : undefined;
  if (!delegate && !wanted.includes('@')) {
    const match = matchByName(
      (await directory.all({ orgId: input.actor.orgId })).filter((p) => colleague(p)),
      wanted,
    );
    if (match.kind === 'ambiguous') throw new AppError('VALIDATION', `More than one person is called "${wanted}": give their email address instead.`);
    if (match.kind === 'found') delegate = match.person;
  }
  if (!delegate || !delegate.active) throw new AppError('VALIDATION', `No one called "${wanted}" is in the directory of your agency.`);
  if (delegate.id === input.actor.id) throw new AppError('VALIDATION', 'Your delegate must be someone else.');
  const person = await directory.update(input.actor.orgId, input.actor.id, (p) => ({ ...p, leave: { until: input.until, delegateId: delegate.id } }));
  const delegateUnreachable = await whyUnreachable(deps.store, delegate, input.emailEnabled ?? false);
  return { person, delegate, ...(delegateUnreachable ? { delegateUnreachable } : {}) };
}

/**
 * Why the bot could not reach someone now (no working chat, and no email to fall back on), or
 * undefined when it can: the owner is warned, since their reminders would otherwise go nowhere.
 */
async function whyUnreachable(store: Store, person: Person, emailEnabled: boolean): Promise<string | undefined> {
  if (emailEnabled && person.email) return undefined;
  const conversation = person.aadObjectId ? await new Conversations(store).read(person.orgId, personalConversationKey(person.aadObjectId)) : undefined;
  return conversation?.reachable ? undefined : whyNotInTeams(person, conversation);
}

export async function endLeave(deps: { store: Store }, actor: Person): Promise<Person> {
  return new Directory(deps.store).update(actor.orgId, actor.id, (p) => {
    if (!p.leave) return undefined;
    const { leave: _ended, ...rest } = p;
    return rest;
  });
}
