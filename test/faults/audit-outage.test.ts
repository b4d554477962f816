import { randomBytes } from 'node:crypto';
import { startApp } from '../../bot/app';
import { configureAudit, flushAudit, recordAudit } from '../../services/audit/audit-log';
import type { AuditEntry } from '../../services/audit/model';
import { FixedClock } from '../../services/core/clock';
import { loadConfig } from '../../services/core/config';
import { createLogger, silentLogger } from '../../services/core/logger';
import type { Collection, Doc, Store } from '../../services/store/ports';
import { toArray } from '../../services/store/ports';
import type { Requirement } from '../../services/training/model';
import { storeBehindProxy } from '../harness/cuttable-proxy';
import { FakeConnector } from '../harness/fake-connector';
import { ORG, person, seed } from '../harness/fixtures';
import { openTestStore } from '../harness/store';
import { cardText, messageActivity, personalConversationId, postActivity, TEST_TENANT_ID } from '../harness/teams-activities';

/** Error lines the app logs, as parsed JSON. */
function capturedLogger() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = createLogger('error', { destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

const entryFor = (n: number) => ({
  orgId: ORG,
  who: 'hana',
  surface: 'teams' as const,
  action: 'view' as const,
  record: { kind: 'training-overdue-list', id: `2026-11-${20 + n}` },
});

describe('when the audit container cannot be written', () => {
  it('an entry is kept and retried while the store is away, logged as an error, and lands once when it is back', async () => {
    const env = await storeBehindProxy();
    const { logger, lines } = capturedLogger();
    try {
      configureAudit(env.store, { logger, retentionYears: 6 });
      const clock = new FixedClock('2026-11-23T10:00:00Z');
      env.proxy.cut();
      const entry = recordAudit({ store: env.store, clock }, entryFor(1));
      // Waited for at shutdown but not written: returned and logged by id, never dropped silently.
      const unwritten = await flushAudit(env.store, 1_500);
      expect(unwritten.map((e) => e.id)).toEqual([entry.id]);
      expect(lines.some((l) => l.msg === 'audit entries could not be written; they stay queued and are retried')).toBe(true);
      expect(lines.find((l) => l.msg === 'audit entries could not be written before shutdown')).toMatchObject({
        unwritten: [{ id: entry.id, who: 'hana', record: { kind: 'training-overdue-list' } }],
      });

      env.proxy.restore();
      // Nobody calls flush: the writer's own retry stores it.
      const audit = env.store.collection<AuditEntry>('audit');
      for (let i = 0; i < 100 && !(await audit.read(ORG, entry.id)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await audit.read(ORG, entry.id)).toMatchObject({ id: entry.id, at: '2026-11-23T10:00:00.000Z', who: 'hana' });
      expect(await flushAudit(env.store)).toEqual([]);
      expect(await toArray(audit.readAll())).toHaveLength(1);
    } finally {
      env.proxy.restore();
      await env.close();
    }
  }, 60_000);

  it('a card answer does not wait for its entry: with audit writes taking seconds, HR’s overdue list still answers at once, and the entry follows', async () => {
    const real = await openTestStore();
    const slowAudit = slowWritesTo(real, 'audit', 3_000);
    const connector = await FakeConnector.start();
    const clock = new FixedClock('2026-11-23T10:00:00Z');
    const app = await startApp({
      config: loadConfig({
        PORT: '0',
        DEFAULT_ORG_ID: ORG,
        LOG_LEVEL: 'silent',
        SCHEDULER_ENABLED: 'false',
        SURVEY_SEAL_KEY: randomBytes(32).toString('base64'),
      }),
      logger: silentLogger,
      store: slowAudit,
      clock,
    });
    try {
      await seed(real, {
        people: [
          person({ id: 'hana', name: 'Hana HR', roles: ['hr'], aadObjectId: 'aad-hana' }),
          person({ id: 'wes', name: 'Wes Worker', jobTitle: 'Social Worker' }),
        ],
      });
      await real.collection<Requirement>('training').upsert({ id: 'req', orgId: ORG, kind: 'requirement', courseCode: 'SG-GEN', jobTitles: ['Social Worker'] });
      const hana = { id: '29:hana', aadObjectId: 'aad-hana', name: 'Hana HR' };
      const started = Date.now();
      const res = await postActivity(
        app.url,
        messageActivity({ serviceUrl: connector.serviceUrl, user: hana, text: 'training overdue', tenantId: TEST_TENANT_ID }),
      );
      const [answer] = await connector.waitForActivities(1, { conversationId: personalConversationId(hana) });
      const took = Date.now() - started;
      expect(res.status).toBe(200);
      expect(cardText(answer!.attachments?.[0]?.content)).toMatch(/Overdue training \(1\)[\s\S]*Wes Worker/);
      expect(took).toBeLessThan(2_000); // the write alone takes 3 s
      expect(await toArray(real.collection<AuditEntry>('audit').readAll())).toHaveLength(0);
      expect(await flushAudit(slowAudit)).toEqual([]);
      expect(await toArray(real.collection<AuditEntry>('audit').readAll())).toEqual([expect.objectContaining({ who: 'hana', surface: 'teams' })]);
    } finally {
      await app.close();
      await connector.close();
      await real.close();
    }
  }, 60_000);
});

/** The same store, except that each write to one container takes `delayMs` first: a store slow for that container only. */
function slowWritesTo(store: Store, name: string, delayMs: number): Store {
  const wait = () => new Promise((r) => setTimeout(r, delayMs));
  return {
    kind: store.kind,
    description: store.description,
    ping: () => store.ping(),
    onClose: (hook) => store.onClose(hook),
    close: () => store.close(),
    collection<T extends Doc>(container: Parameters<Store['collection']>[0]): Collection<T> {
      const inner = store.collection<T>(container);
      if (container !== name) return inner;
      return Object.assign(Object.create(inner) as Collection<T>, {
        create: async (doc: T) => {
          await wait();
          return inner.create(doc);
        },
      });
    },
  };
}
