import type { Clock } from '../core/clock';
import { Directory, matchByName } from '../people/directory';
import type { Person } from '../people/model';
import type { Store } from '../store/ports';
import { channelConversationKey, personalConversationKey, type ConversationRecord } from './model';

export type Installer = { aadObjectId: string; teamsUserId: string; name: string; email?: string; userPrincipalName?: string };

export type LinkResult =
  | { kind: 'linked'; person: Person; by: 'aadObjectId' | 'email' | 'name' }
  | { kind: 'ambiguous'; candidates: number }
  | { kind: 'unknown' };

export type InstallDeps = { store: Store; clock: Clock };

/**
 * Finds the directory person behind a Teams user: by Entra object id, else by email or UPN
 * (from the Teams member API), else by an exact, unique display name such as a plan's "Lead"
 * column holds. An ambiguous name is left for an administrator; a found person is stamped with
 * the object id so the next look-up is exact.
 */
export async function linkPerson(store: Store, orgId: string, user: Installer): Promise<LinkResult> {
  const directory = new Directory(store);
  const byAad = await directory.byAadObjectId(orgId, user.aadObjectId);
  if (byAad) return { kind: 'linked', person: byAad, by: 'aadObjectId' };

  let found: { person: Person; by: 'email' | 'name' } | undefined;
  for (const address of [user.email, user.userPrincipalName]) {
    if (!address || found) continue;
    const person = await directory.byEmail(orgId, address);
    if (person) found = { person, by: 'email' };
  }
  if (!found) {
    const match = matchByName(await directory.all(orgId), user.name);
    if (match.kind === 'ambiguous') return { kind: 'ambiguous', candidates: match.candidates.length };
    if (match.kind === 'found') found = { person: match.person, by: 'name' };
  }
  if (!found) return { kind: 'unknown' };
  // Never re-point a person already linked to a different Teams account.
  if (found.person.aadObjectId && found.person.aadObjectId !== user.aadObjectId) return { kind: 'unknown' };
  const person = await directory.save({ ...found.person, aadObjectId: user.aadObjectId });
  return { kind: 'linked', person, by: found.by };
}

export async function recordPersonalInstall(
  deps: InstallDeps,
  input: { orgId: string; tenantId: string; conversationId: string; serviceUrl: string; botId: string; user: Installer },
): Promise<{ link: LinkResult; firstContact: boolean }> {
  const link = await linkPerson(deps.store, input.orgId, input.user);
  const conversations = deps.store.collection<ConversationRecord>('conversations');
  const id = personalConversationKey(input.user.aadObjectId);
  const now = deps.clock.now().toISOString();
  const existing = await conversations.read(input.orgId, id);
  await conversations.upsert({
    id,
    orgId: input.orgId,
    kind: 'personal',
    tenantId: input.tenantId,
    conversationId: input.conversationId,
    serviceUrl: input.serviceUrl,
    botId: input.botId,
    user: { aadObjectId: input.user.aadObjectId, teamsUserId: input.user.teamsUserId, name: input.user.name },
    ...(link.kind === 'linked' ? { personId: link.person.id } : existing?.personId ? { personId: existing.personId } : {}),
    reachable: true,
    installedAt: existing?.installedAt ?? now,
    updatedAt: now,
  });
  // Teams sends two activities for one install; only the first (or a re-install) is news.
  return { link, firstContact: !existing?.reachable };
}

export async function recordChannelInstall(
  deps: InstallDeps,
  input: { orgId: string; tenantId: string; conversationId: string; serviceUrl: string; botId: string; team: { id: string; name?: string; channelId?: string } },
): Promise<void> {
  const conversations = deps.store.collection<ConversationRecord>('conversations');
  const id = channelConversationKey(input.conversationId);
  const now = deps.clock.now().toISOString();
  const existing = await conversations.read(input.orgId, id);
  await conversations.upsert({
    id,
    orgId: input.orgId,
    kind: 'channel',
    tenantId: input.tenantId,
    conversationId: input.conversationId,
    serviceUrl: input.serviceUrl,
    botId: input.botId,
    team: input.team,
    reachable: true,
    installedAt: existing?.installedAt ?? now,
    updatedAt: now,
  });
}

/** After an uninstall the bot can no longer message them: say so, so senders stop and admins are told. */
export async function recordUninstall(deps: InstallDeps, input: { orgId: string; key: string; reason: string }): Promise<void> {
  const conversations = deps.store.collection<ConversationRecord>('conversations');
  const existing = await conversations.read(input.orgId, input.key);
  if (!existing) return;
  await conversations.update(input.orgId, input.key, (c) => ({ ...c, reachable: false, unreachableReason: input.reason, updatedAt: deps.clock.now().toISOString() }));
}
