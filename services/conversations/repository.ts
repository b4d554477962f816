import { toArray, type Collection, type Store } from '../store/ports';
import type { ConversationRecord } from './model';

/** Stored conversation references: the only code that queries the conversations container. */
export class Conversations {
  private readonly docs: Collection<ConversationRecord>;

  constructor(store: Store) {
    this.docs = store.collection<ConversationRecord>('conversations');
  }

  /** Every 1:1 chat with the bot, reachable or not, linked or not. */
  personal(orgId: string): Promise<ConversationRecord[]> {
    return toArray(this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'personal'", parameters: [{ name: '@orgId', value: orgId }] }));
  }

  /** The 1:1 chats Teams has refused (blocked, uninstalled): their people are not being reached. */
  unreachablePersonal(orgId: string): Promise<ConversationRecord[]> {
    return toArray(this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'personal' AND c.reachable = false", parameters: [{ name: '@orgId', value: orgId }] }));
  }
}
