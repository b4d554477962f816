import { TeamsMessenger } from '../../bot/teams-messenger';
import { loadConfig } from '../../services/core/config';
import type { ConversationRecord } from '../../services/conversations/model';
import type { Person } from '../../services/people/model';
import type { Store } from '../../services/store/ports';
import { ORG, person } from './fixtures';
import { personalConversationId, TEST_BOT_ID, TEST_TENANT_ID, type TeamsUser } from './teams-activities';

/** The real Teams messenger in local mode (no token), pointed at whatever serviceUrl a conversation has. */
export function localMessenger(timeoutMs?: number): TeamsMessenger {
  return new TeamsMessenger(loadConfig({ LOG_LEVEL: 'silent' }), timeoutMs);
}

/** People who have installed the app: a directory entry plus a stored 1:1 conversation at `serviceUrl`, in the test tenant unless `tenantId` says otherwise. */
export async function installedPeople(
  store: Store,
  serviceUrl: string,
  count: number,
  options: { prefix?: string; roles?: Person['roles']; tenantId?: string } = {},
): Promise<Person[]> {
  const prefix = options.prefix ?? 'p';
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const p = person({ id: `${prefix}${i}`, name: `Person ${prefix}${i}`, aadObjectId: `aad-${prefix}${i}`, roles: options.roles ?? ['officer'] });
    await store.collection<Person>('people').upsert(p);
    await store.collection<ConversationRecord>('conversations').upsert({
      id: `personal-aad-${prefix}${i}`,
      orgId: ORG,
      kind: 'personal',
      tenantId: options.tenantId ?? TEST_TENANT_ID,
      conversationId: personalConversationId({ id: `29:${prefix}${i}` }),
      serviceUrl,
      botId: `28:${TEST_BOT_ID}`,
      user: { aadObjectId: `aad-${prefix}${i}`, teamsUserId: `29:${prefix}${i}`, name: p.name },
      personId: p.id,
      reachable: true,
      installedAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    });
    people.push(p);
  }
  return people;
}

/** The Teams account someone from installedPeople writes to the bot from. */
export const installedUser = (p: Person): TeamsUser => ({ id: `29:${p.id}`, aadObjectId: p.aadObjectId!, name: p.name });
