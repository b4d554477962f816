import { idChunks, toArray, type Collection, type Store, type Stored } from '../store/ports';
import type { ConversationRecord } from './model';

/** Stored conversation references: the only code that queries the conversations container. */
export class Conversations {
  private readonly docs: Collection<ConversationRecord>;

  constructor(store: Store) {
    this.docs = store.collection<ConversationRecord>('conversations');
  }

  read(orgId: string, id: string): Promise<Stored<ConversationRecord> | undefined> {
    return this.docs.read(orgId, id);
  }

  /** Records a conversation first seen; ALREADY_EXISTS when another turn recorded it first. */
  create(record: ConversationRecord): Promise<Stored<ConversationRecord>> {
    return this.docs.create(record);
  }

  /** Writes a conversation as given, replacing any stored under its key. */
  save(record: ConversationRecord): Promise<Stored<ConversationRecord>> {
    return this.docs.upsert(record);
  }

  /** Changes a conversation where it stands: `change` sees the stored one and returns undefined to leave it. */
  update(
    orgId: string,
    id: string,
    change: (current: Stored<ConversationRecord>) => ConversationRecord | undefined,
    current?: Stored<ConversationRecord>,
  ): Promise<Stored<ConversationRecord>> {
    return this.docs.update(orgId, id, change, current);
  }

  /** Every 1:1 chat with the bot, reachable or not, linked or not. */
  personal(orgId: string): Promise<ConversationRecord[]> {
    return toArray(
      this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'personal'", parameters: [{ name: '@orgId', value: orgId }] }),
    );
  }

  /** Of `personIds`, those with a 1:1 chat the bot can reach: a few queries for thousands of people. */
  async reachableAmong(orgId: string, personIds: readonly string[]): Promise<Set<string>> {
    const reachable = new Set<string>();
    for (const chunk of idChunks(personIds)) {
      const found = await toArray(
        this.docs.query({
          query: "SELECT VALUE c.personId FROM c WHERE c.orgId = @orgId AND c.kind = 'personal' AND c.reachable = true AND ARRAY_CONTAINS(@ids, c.personId)",
          parameters: [
            { name: '@orgId', value: orgId },
            { name: '@ids', value: chunk },
          ],
        }),
      );
      for (const id of found as unknown as string[]) reachable.add(id);
    }
    return reachable;
  }

  /** Personal chats of Teams users linked to no one whose last attempt was before `cutoff`: past retention. */
  unlinkedBefore(orgId: string, cutoff: string): Promise<Pick<ConversationRecord, 'id'>[]> {
    return toArray(
      this.docs.query({
        query: "SELECT c.id FROM c WHERE c.orgId = @orgId AND c.kind = 'personal' AND NOT IS_DEFINED(c.personId) AND c.unlinked.lastTriedAt < @cutoff",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@cutoff', value: cutoff },
        ],
      }),
    );
  }

  /** A person's own chats with the bot (their links as Teams records them). */
  ofPerson(orgId: string, personId: string): Promise<ConversationRecord[]> {
    return toArray(
      this.docs.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.personId = @personId',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
        ],
      }),
    );
  }

  /** Retention and erasure only. */
  remove(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }

  /** The 1:1 chats Teams has refused (blocked, uninstalled): their people are not being reached. */
  unreachablePersonal(orgId: string): Promise<ConversationRecord[]> {
    return toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'personal' AND c.reachable = false",
        parameters: [{ name: '@orgId', value: orgId }],
      }),
    );
  }
}
