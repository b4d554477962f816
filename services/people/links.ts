import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import { personalConversationKey } from '../conversations/model';
import { Conversations } from '../conversations/repository';
import type { Store } from '../store/ports';
import { Directory } from './repository';
import { isEntraId, type Person } from './model';
import { agencyOf } from '../access/policy';
import { listAgencies } from '../organisation/agencies';
import { partnershipFor } from '../organisation/organisations';
import { signInTenantsOf } from './sign-in';

export type UnlinkedUser = { aadObjectId: string; tenantId: string; name: string; firstTriedAt: string; lastTriedAt: string; reason: string };

/**
 * An administrator links a directory person to a Microsoft 365 account by its Entra object id and
 * tenant: the one way to link someone the HR file and the verified domains do not cover (partner
 * agencies, guests). The tenant defaults to the one the user last contacted the bot from, then to
 * the home tenant.
 */
export async function linkByAdministrator(
  deps: { store: Store; clock: Clock },
  input: { orgId: string; personId: string; aadObjectId: string; tenantId?: string; homeTenantId?: string },
): Promise<Person> {
  if (!isEntraId(input.aadObjectId)) throw new AppError('VALIDATION', `"${input.aadObjectId.slice(0, 60)}" is not an Entra object id (a GUID).`);
  // Teams sends object ids in lower case; store them so, or the link would never match.
  const aadObjectId = input.aadObjectId.toLowerCase();
  const directory = new Directory(deps.store);
  const person = await directory.get(input.orgId, input.personId);
  if (!person) throw new AppError('NOT_FOUND', `Nobody in the directory has the id "${input.personId}".`);
  const holder = await directory.byAadObjectId({ orgId: input.orgId }, aadObjectId);
  if (holder && holder.id !== person.id) throw new AppError('CONFLICT', `That object id is linked to ${holder.id} already: unlink them first.`);
  const conversations = new Conversations(deps.store);
  const conversation = await conversations.read(input.orgId, personalConversationKey(aadObjectId));
  const tenantId = input.tenantId ?? conversation?.tenantId ?? input.homeTenantId;
  if (!tenantId || !isEntraId(tenantId))
    throw new AppError('VALIDATION', 'Give the user’s tenant id (--tenant): they have not contacted the bot yet and HOME_TENANT_ID is not set.');
  // A link outside the tenants the person's agency signs in from would never hold: say so now.
  const partnership = await partnershipFor(deps, input.orgId);
  const agencyId = agencyOf(person, partnership);
  const signInTenants = signInTenantsOf(agencyId, await listAgencies(deps.store, input.orgId), partnership);
  if (signInTenants && !signInTenants.includes(tenantId.toLowerCase())) {
    throw new AppError(
      'VALIDATION',
      `The tenant ${tenantId.slice(0, 60)} is not one ${agencyId}’s people sign in from (${signInTenants.join(', ')}; an agency that lists no tenant signs in as guests of the lead agency).`,
    );
  }
  if (person.aadObjectId && person.aadObjectId !== aadObjectId) await unlinkPerson(deps, { orgId: input.orgId, personId: person.id });
  const linked = await directory.update(input.orgId, person.id, (p) => ({ ...p, aadObjectId, aadTenantId: tenantId.toLowerCase() }));
  if (conversation) {
    const now = deps.clock.now().toISOString();
    await conversations.update(input.orgId, conversation.id, (c) => {
      const { unlinked: _done, ...rest } = c;
      return { ...rest, personId: person.id, updatedAt: now };
    });
  }
  return linked;
}

/** Ends a person's link: their Teams account no longer acts as them, and reminders stop reaching that chat. */
export async function unlinkPerson(deps: { store: Store; clock: Clock }, input: { orgId: string; personId: string }): Promise<Person> {
  const directory = new Directory(deps.store);
  const person = await directory.get(input.orgId, input.personId);
  if (!person) throw new AppError('NOT_FOUND', `Nobody in the directory has the id "${input.personId}".`);
  const { aadObjectId } = person;
  const saved = await directory.update(input.orgId, person.id, (p) => {
    const { aadObjectId: _link, aadTenantId: _tenant, ...rest } = p;
    return rest;
  });
  if (aadObjectId) {
    const conversations = new Conversations(deps.store);
    const now = deps.clock.now().toISOString();
    if (await conversations.read(input.orgId, personalConversationKey(aadObjectId))) {
      await conversations.update(input.orgId, personalConversationKey(aadObjectId), (c) => {
        const { personId: _gone, ...kept } = c;
        return { ...kept, unlinked: { firstTriedAt: now, lastTriedAt: now, reason: 'unlinked by an administrator' }, updatedAt: now };
      });
    }
  }
  return saved;
}

/** Teams users who opened the app but are linked to nobody, most recent first: for an administrator to link. */
export async function unlinkedUsers(store: Store, orgId: string): Promise<UnlinkedUser[]> {
  const records = await new Conversations(store).personal(orgId);
  return records
    .filter((c) => !c.personId && c.unlinked && c.user)
    .map((c) => ({ aadObjectId: c.user!.aadObjectId, tenantId: c.tenantId, name: c.user!.name, ...c.unlinked! }))
    .sort((a, b) => b.lastTriedAt.localeCompare(a.lastTriedAt));
}

/**
 * Local mode only (LOCAL_ACT_AS, for trying the bot in the Agents Playground): the account the bot
 * is tried from becomes the acted-as person's, so what the bot sends them (alerts, invitations,
 * reminders) arrives in that chat rather than nowhere. The link moves from whoever had the account,
 * and the person's own earlier link ends; `people unlink` ends this one. The Playground's made-up
 * ids are not Entra GUIDs, so unlike an administrator's link this takes them as Teams sends them.
 */
export async function linkForLocalTrial(
  deps: { store: Store; clock: Clock },
  input: { orgId: string; person: Person; aadObjectId: string; tenantId: string },
): Promise<Person> {
  const { orgId, person, aadObjectId } = input;
  const tenantId = input.tenantId.toLowerCase();
  if (person.aadObjectId === aadObjectId && (person.aadTenantId ?? '') === tenantId) return person;
  const directory = new Directory(deps.store);
  const holder = await directory.byAadObjectId({ orgId }, aadObjectId);
  if (holder && holder.id !== person.id) await unlinkPerson(deps, { orgId, personId: holder.id });
  if (person.aadObjectId && person.aadObjectId !== aadObjectId) await unlinkPerson(deps, { orgId, personId: person.id });
  const linked = await directory
    .update(orgId, person.id, (p) => ({ ...p, aadObjectId, aadTenantId: tenantId }))
    .catch((e: unknown) => {
      // Acting as someone not (or no longer) in the directory: they are stored as acted.
      if (isAppError(e, 'NOT_FOUND')) return directory.save({ ...person, aadObjectId, aadTenantId: tenantId });
      throw e;
    });
  const conversations = new Conversations(deps.store);
  if (await conversations.read(orgId, personalConversationKey(aadObjectId))) {
    const now = deps.clock.now().toISOString();
    await conversations.update(orgId, personalConversationKey(aadObjectId), (c) => {
      const { unlinked: _done, ...rest } = c;
      return { ...rest, personId: person.id, updatedAt: now };
    });
  }
  return linked;
}
