import { isAppError } from '../../../services/core/errors';
import type { Store } from '../../../services/store/ports';
import { openPersistentTestStore, openTestStore } from '../../harness/store';
import { ORG } from '../../harness/fixtures';

/**
 * Azure Cosmos DB creates an item whose id holds "/", "\", "?" or "#", and afterwards cannot read,
 * replace or delete it. The store refuses such ids on every write, on any store, so the item is
 * never made. Checked here on the embedded store without the Azure profile, which accepts them.
 */
describe('ids Cosmos DB cannot address are refused before they are written', () => {
  let store: Store;
  beforeAll(async () => {
    ({ store } = await openPersistentTestStore());
  });
  afterAll(() => store.close());

  it.each([['a/b'], ['a\\b'], ['a?b'], ['a#b'], ['x'.repeat(1_024)], ['line\nbreak']])(
    '%s is a validation error naming the problem, on create and upsert',
    async (id) => {
      const docs = store.collection<{ id: string; orgId: string }>('outbox');
      for (const write of [() => docs.create({ id, orgId: ORG }), () => docs.upsert({ id, orgId: ORG })]) {
        const refused = await write().catch((e: unknown) => e);
        expect(isAppError(refused, 'VALIDATION')).toBe(true);
        expect((refused as Error).message).toMatch(/id/);
      }
    },
  );

  it('a plain id is written as before', async () => {
    await expect(store.collection('outbox').create({ id: 'channel-19:abc@thread.tacv2', orgId: ORG })).resolves.toMatchObject({
      id: 'channel-19:abc@thread.tacv2',
    });
  });
});

describe('what the store refuses is said as it is, never as "not reachable"', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('a record over 2 MB is named with its id and size', async () => {
    const refused = await store
      .collection<{ id: string; orgId: string; text: string }>('outbox')
      .create({ id: 'reminders-2026-12-14-heavy', orgId: ORG, text: 'x'.repeat(2_300_000) })
      .catch((e: unknown) => e);
    expect(isAppError(refused, 'ITEM_TOO_LARGE')).toBe(true);
    expect((refused as Error).message).toMatch(/outbox item "reminders-2026-12-14-heavy" \(2\.19 MB\) is too large/);
    const small = await store.collection<{ id: string; orgId: string; text: string }>('outbox').create({ id: 'grows', orgId: ORG, text: '' });
    const grown = await store
      .collection<{ id: string; orgId: string; text: string }>('outbox')
      .replace({ ...small, text: 'x'.repeat(2_300_000) })
      .catch((e: unknown) => e);
    expect((grown as Error).message).toMatch(/outbox item "grows" \(2\.19 MB\) is too large/);
  });

  it('a bad id met on a read is a validation error', async () => {
    const refused = await store
      .collection('conversations')
      .read(ORG, 'channel/19')
      .catch((e: unknown) => e);
    expect(isAppError(refused, 'VALIDATION')).toBe(true);
  });
});
