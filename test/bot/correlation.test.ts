import { startApp } from '../../bot/app';
import { FixedClock } from '../../services/core/clock';
import { createLogger } from '../../services/core/logger';
import type { Collection, Doc, Store } from '../../services/store/ports';
import type { ContainerName } from '../../services/store/containers';
import { testConfig } from '../harness/app';
import { FakeConnector } from '../harness/fake-connector';
import { actionDoc, person, seed } from '../harness/fixtures';
import { openTestStore } from '../harness/store';
import { invokeActionExecute } from '../harness/teams-activities';

/** The store as it is, except that reading actions fails the way a bug would (not a known AppError). */
function storeWithBrokenActions(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'collection') return Reflect.get(target, prop, receiver);
      return (name: ContainerName) => {
        const collection = target.collection(name) as Collection<Doc>;
        if (name !== 'actions') return collection;
        return new Proxy(collection, {
          get: (c, p, r) => (p === 'read' ? async () => Promise.reject(new Error('disk on fire')) : Reflect.get(c, p, r)),
        });
      };
    },
  });
}

describe('a reference to quote: one correlation id per request, in every log line and on the error card', () => {
  it('owner presses Update and something unexpected breaks → the card gives a reference, the response header carries it, and every log line of that request has it', async () => {
    const store = await openTestStore();
    const connector = await FakeConnector.start();
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', { destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const config = testConfig({ LOG_LEVEL: 'info' });
    await seed(store, {
      people: [person({ id: 'olly', name: 'Olly Officer', aadObjectId: 'aad-olly' })],
      actions: [actionDoc({ id: 'a-olly', leadIds: ['olly'] })],
    });
    const app = await startApp({ config, logger, store: storeWithBrokenActions(store), clock: new FixedClock('2026-11-23T10:00:00Z') });
    try {
      const activity = invokeActionExecute({
        serviceUrl: connector.serviceUrl,
        user: { id: '29:olly', aadObjectId: 'aad-olly', name: 'Olly Officer' },
        verb: 'action.update',
        data: { actionId: 'a-olly', version: 1, status: 'G', progress: 'On track' },
      });
      const send = () => fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const first = await send();
      const second = await send();
      const reference = first.headers.get('x-correlation-id');
      expect(reference).toMatch(/^[0-9a-f]{12}$/);
      expect(second.headers.get('x-correlation-id')).not.toBe(reference);

      const card = JSON.stringify(await first.json());
      expect(card).toContain('Something went wrong');
      expect(card).toContain(`reference: ${reference}`);

      const failure = lines.find((l) => l.msg === 'unexpected failure' && l.correlationId === reference);
      expect(failure).toBeDefined();
      // Nothing of that request was logged without its reference, and no other request's lines carry it.
      expect(lines.filter((l) => l.msg === 'unexpected failure').map((l) => l.correlationId)).toEqual([reference, second.headers.get('x-correlation-id')]);
      // The log line names no person and no text they typed.
      expect(JSON.stringify(failure)).not.toMatch(/Olly|On track/);
    } finally {
      await app.close();
      await connector.close();
      await store.close();
    }
  });

  it('a request the server refuses gets the reference in its answer and header', async () => {
    const store = await openTestStore();
    const config = testConfig();
    const app = await startApp({ config, logger: createLogger('silent'), store, clock: new FixedClock('2026-11-23T10:00:00Z') });
    try {
      const res = await fetch(`${app.url}/api/tab/no-such-view`);
      expect(res.status).toBe(404);
      const reference = res.headers.get('x-correlation-id');
      expect(reference).toMatch(/^[0-9a-f]{12}$/);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST', reference } });
    } finally {
      await app.close();
      await store.close();
    }
  });
});
