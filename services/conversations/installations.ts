import type { Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import { Directory } from '../people/repository';
import { signInHolds } from '../people/sign-in';
import type { Person } from '../people/model';
import type { Store } from '../store/ports';
import { channelConversationKey, personalConversationKey, type ConversationRecord } from './model';
import { Conversations } from './repository';

export type Installer = { aadObjectId: string; tenantId: string; teamsUserId: string; name: string };

/** Which keys may link a Teams user to a directory person: settings of the deployment. */
export type LinkPolicy = { homeTenantId?: string; verifiedDomains: string[] };

export type LinkResult =
  | { kind: 'linked'; person: Person; by: 'aadObjectId' | 'upn' }
  /** `other-tenant`: the object id is linked, but to a person in another tenant; `taken`: the UPN's person is linked to someone else. */
  | { kind: 'unknown'; reason: 'not-linked' | 'other-tenant' | 'taken' };

export type InstallDeps = { store: Store; clock: Clock; policy: LinkPolicy };

/** Only a user of the home tenant can be linked by UPN, so only they are worth a call to Teams' member API. */
function mayLinkByUpn(policy: LinkPolicy, tenantId: string): boolean {
  return !!policy.homeTenantId && policy.verifiedDomains.length > 0 && tenantId.toLowerCase() === policy.homeTenantId.toLowerCase();
}

/** A UPN is proof of identity only from the home tenant, and only in one of its verified domains. */
function upnMayLink(policy: LinkPolicy, tenantId: string, upn: string | undefined): upn is string {
  if (!upn || !mayLinkByUpn(policy, tenantId)) return false;
  const [local, domain, ...rest] = upn.trim().toLowerCase().split('@');
  return !!local && !!domain && rest.length === 0 && policy.verifiedDomains.includes(domain);
}

/**
 * Finds the directory person behind a Teams user by a verified key only: the Entra object id the
 * HR import or an administrator recorded (in the tenant recorded with it), or the user's UPN when
 * they sign in to the organisation's own tenant with one of its verified domains. Display names
 * and the `email` Teams reports are chosen by the user's own tenant, so they never link anyone.
 * A link is stamped with the object id and tenant, so the next look-up is exact.
 */
export async function linkPerson(
  store: Store,
  orgId: string,
  user: Pick<Installer, 'aadObjectId' | 'tenantId'>,
  policy: LinkPolicy,
  userPrincipalName?: () => Promise<string | undefined>,
): Promise<LinkResult> {
  const directory = new Directory(store);
  const byAad = await directory.byAadObjectId({ orgId }, user.aadObjectId);
  if (byAad) {
    // The same rule as the tab: the link's own tenant, and one of its agency's when the agency lists any.
    // The partnership read fresh, not the turn's organisation (cached for 30 s): who may sign in from which tenant is checked as stored now.
    if (!(await signInHolds({ store }, orgId, byAad, user.tenantId))) return { kind: 'unknown', reason: 'other-tenant' };
    // An object id from HR or an administrator without its tenant takes the tenant Teams signed for.
    const person =
      byAad.aadTenantId || !user.tenantId
        ? byAad
        : await directory.update(orgId, byAad.id, (p) => (p.aadTenantId ? undefined : { ...p, aadTenantId: user.tenantId.toLowerCase() }));
    return { kind: 'linked', person, by: 'aadObjectId' };
  }
  if (!mayLinkByUpn(policy, user.tenantId) || !userPrincipalName) return { kind: 'unknown', reason: 'not-linked' };
  const upn = await userPrincipalName();
  if (!upnMayLink(policy, user.tenantId, upn)) return { kind: 'unknown', reason: 'not-linked' };
  const found = await directory.byEmail({ orgId }, upn);
  if (!found) return { kind: 'unknown', reason: 'not-linked' };
  // Never re-point a person already linked to a different Microsoft 365 account.
  if (found.aadObjectId && found.aadObjectId !== user.aadObjectId) return { kind: 'unknown', reason: 'taken' };
  // With the etag: a link made meanwhile (by an administrator, another instance) is not overwritten.
  const person = await directory.update(orgId, found.id, (p) =>
    p.aadObjectId && p.aadObjectId !== user.aadObjectId ? undefined : { ...p, aadObjectId: user.aadObjectId, aadTenantId: user.tenantId.toLowerCase() },
  );
  if (person.aadObjectId !== user.aadObjectId) return { kind: 'unknown', reason: 'taken' };
  return { kind: 'linked', person, by: 'upn' };
}

export async function recordPersonalInstall(
  deps: InstallDeps,
  input: {
    orgId: string;
    tenantId: string;
    conversationId: string;
    serviceUrl: string;
    botId: string;
    user: Installer;
    userPrincipalName?: () => Promise<string | undefined>;
  },
): Promise<{ link: LinkResult; firstContact: boolean }> {
  const link = await linkPerson(deps.store, input.orgId, input.user, deps.policy, input.userPrincipalName);
  const conversations = new Conversations(deps.store);
  const id = personalConversationKey(input.user.aadObjectId);
  const now = deps.clock.now().toISOString();
  const record = (existing: ConversationRecord | undefined): ConversationRecord => ({
    id,
    orgId: input.orgId,
    kind: 'personal',
    tenantId: input.tenantId,
    conversationId: input.conversationId,
    serviceUrl: input.serviceUrl,
    botId: input.botId,
    user: { aadObjectId: input.user.aadObjectId, teamsUserId: input.user.teamsUserId, name: input.user.name || existing?.user?.name || '' },
    ...(link.kind === 'linked' ? { personId: link.person.id } : {}),
    ...(link.kind === 'linked' ? {} : { unlinked: { firstTriedAt: existing?.unlinked?.firstTriedAt ?? now, lastTriedAt: now, reason: link.reason } }),
    reachable: true,
    installedAt: existing?.installedAt ?? now,
    updatedAt: now,
  });
  // Teams (and the Agents Playground) send two activities for one install, at the same moment:
  // whichever write creates the record, or turns an unreachable one reachable, is the news, and the
  // other finds it done. Claimed by create, then by etag, so both cannot think they came first.
  const existing = await conversations.read(input.orgId, id);
  if (!existing) {
    try {
      await conversations.create(record(undefined));
      return { link, firstContact: true };
    } catch (e) {
      if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
    }
  }
  let firstContact = false;
  await conversations.update(
    input.orgId,
    id,
    (current) => {
      firstContact = !current.reachable;
      return record(current);
    },
    existing,
  );
  return { link, firstContact };
}

/**
 * Someone Teams vouches for but the directory does not link tried to use the bot: kept on their
 * personal conversation record, so an administrator can see who tried and link them.
 */
export async function recordUnlinkedAttempt(
  deps: Pick<InstallDeps, 'store' | 'clock'>,
  input: { orgId: string; user: Installer; reason: string },
): Promise<void> {
  const conversations = new Conversations(deps.store);
  const id = personalConversationKey(input.user.aadObjectId);
  const now = deps.clock.now().toISOString();
  const existing = await conversations.read(input.orgId, id);
  // No personal chat yet: the install that makes one records the attempt. A record from another
  // tenant is someone else's chat and stays as it is.
  if (!existing || existing.tenantId.toLowerCase() !== input.user.tenantId.toLowerCase()) return;
  await conversations.update(input.orgId, id, (c) => {
    const { personId: _gone, ...rest } = c;
    return {
      ...rest,
      tenantId: input.user.tenantId,
      user: { aadObjectId: input.user.aadObjectId, teamsUserId: input.user.teamsUserId, name: input.user.name },
      unlinked: { firstTriedAt: c.unlinked?.firstTriedAt ?? now, lastTriedAt: now, reason: input.reason },
      updatedAt: now,
    };
  });
}

export async function recordChannelInstall(
  deps: Pick<InstallDeps, 'store' | 'clock'>,
  input: {
    orgId: string;
    tenantId: string;
    conversationId: string;
    serviceUrl: string;
    botId: string;
    team: { id: string; name?: string; channelId?: string };
  },
): Promise<void> {
  const conversations = new Conversations(deps.store);
  const id = channelConversationKey(input.conversationId);
  const now = deps.clock.now().toISOString();
  const existing = await conversations.read(input.orgId, id);
  await conversations.save({
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
export async function recordUninstall(deps: Pick<InstallDeps, 'store' | 'clock'>, input: { orgId: string; key: string; reason: string }): Promise<void> {
  const conversations = new Conversations(deps.store);
  const existing = await conversations.read(input.orgId, input.key);
  if (!existing) return;
  await conversations.update(input.orgId, input.key, (c) => ({
    ...c,
    reachable: false,
    unreachableReason: input.reason,
    updatedAt: deps.clock.now().toISOString(),
  }));
}
