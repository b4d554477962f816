import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import { createLogger, type Logger } from '../core/logger';
import { DEFAULT_RETENTION, ttlSeconds, type Period } from '../store/retention-schedule';
import type { Store } from '../store/ports';
import type { AuditEntry, AuditInput } from './model';
import { AuditRecords } from './repository';

const BATCH = 100;
const PARALLEL_WRITES = 8;
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Writes audit entries after the answer that caused them, so a card answer never waits for its
 * entry. Entries queue in memory and go out in batches; one that cannot be written stays queued
 * and is tried again with a growing pause, each failure logged as an error. An entry still
 * unwritten when the process stops is logged by id (flushAudit), never dropped without a word.
 */
class AuditWriter {
  private queue: AuditEntry[] = [];
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private failuresInARow = 0;
  private closed = false;

  constructor(
    private readonly store: Store,
    public settings: { logger: Logger; retention: Period },
  ) {
    // Closing the store writes what is queued first; whatever still cannot be written is logged.
    store.onClose(async () => {
      const left = await this.flush(5_000);
      this.closed = true;
      if (left.length > 0) logUnwritten(this.settings.logger, left);
      this.queue = [];
    });
  }

  append(entry: AuditEntry): void {
    if (this.closed) {
      logUnwritten(this.settings.logger, [entry]);
      return;
    }
    this.queue.push(entry);
    this.schedule(0);
  }

  get pending(): number {
    return this.queue.length;
  }

  private retryDelay(): number {
    return this.failuresInARow === 0 ? 0 : Math.min(MAX_RETRY_DELAY_MS, 200 * 2 ** (this.failuresInARow - 1));
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeOnce();
    }, delayMs);
    // A waiting entry never keeps a process alive on its own: the app and the CLI flush at shutdown.
    this.timer.unref();
  }

  /** One pass over what is queued; whatever fails goes back to the front of the queue. */
  private writeOnce(): Promise<void> {
    if (this.writing) return this.writing;
    this.writing = (async () => {
      const records = new AuditRecords(this.store);
      const failed: AuditEntry[] = [];
      let lastError: unknown;
      while (this.queue.length > 0 && failed.length === 0) {
        const batch = this.queue.splice(0, BATCH);
        for (let i = 0; i < batch.length; i += PARALLEL_WRITES) {
          const slice = batch.slice(i, i + PARALLEL_WRITES);
          const results = await Promise.allSettled(slice.map((entry) => records.add(entry)));
          results.forEach((r, j) => {
            // The id is fixed when the entry is made, so a retry of one that did land finds it there.
            if (r.status === 'rejected' && !isAppError(r.reason, 'ALREADY_EXISTS')) {
              failed.push(slice[j]!);
              lastError = r.reason;
            }
          });
        }
      }
      if (failed.length > 0) {
        this.queue.unshift(...failed);
        this.failuresInARow++;
        this.settings.logger.error(
          { err: lastError, failed: failed.length, pending: this.queue.length, retryInMs: this.retryDelay() },
          'audit entries could not be written; they stay queued and are retried',
        );
      } else this.failuresInARow = 0;
    })().finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.schedule(this.retryDelay());
    });
    return this.writing;
  }

  /** Writes everything queued, retrying until `timeoutMs` has passed; returns the entries still unwritten. */
  async flush(timeoutMs: number): Promise<AuditEntry[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 || this.writing) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      await (this.writing ?? this.writeOnce());
      if (this.queue.length === 0) break;
      const wait = Math.min(this.retryDelay(), deadline - Date.now());
      if (wait <= 0) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    if (this.timer && this.queue.length === 0) clearTimeout(this.timer);
    return [...this.queue];
  }
}

function logUnwritten(logger: Logger, entries: AuditEntry[]): void {
  logger.error(
    { unwritten: entries.map((e) => ({ id: e.id, at: e.at, who: e.who, surface: e.surface, action: e.action, record: e.record })) },
    'audit entries could not be written before shutdown',
  );
}

const writers = new WeakMap<Store, AuditWriter>();

function writerFor(store: Store): AuditWriter {
  let writer = writers.get(store);
  if (!writer)
    writers.set(
      store,
      (writer = new AuditWriter(store, { logger: createLogger('warn', { toStderr: true }), retention: { years: DEFAULT_RETENTION.auditYears } })),
    );
  return writer;
}

/** The app and the command line say once, at start, where failures are logged and how long entries are kept. */
export function configureAudit(store: Store, settings: { logger: Logger; retentionYears: number }): void {
  const existing = writers.get(store);
  // Entries already queued stay queued: the writer is kept, only its settings change.
  if (existing) existing.settings = { logger: settings.logger, retention: { years: settings.retentionYears } };
  else writers.set(store, new AuditWriter(store, { logger: settings.logger, retention: { years: settings.retentionYears } }));
}

/**
 * Appends one entry to the record of who saw what. Returns at once: the entry is written after
 * the answer, in a batch, and retried until it is stored.
 *
 * `entry`: { orgId, who (person id or OPERATOR_ID), surface ('teams' | 'tab' | 'cli'),
 * action ('view' | 'export' | 'backup' | 'change'), record: { kind, id }, agency?, detail? }.
 */
export function recordAudit(deps: { store: Store; clock: Clock }, entry: AuditInput): AuditEntry {
  const writer = writerFor(deps.store);
  const at = deps.clock.now().toISOString();
  const stored: AuditEntry = {
    ...entry,
    // Sorts by time; the random part keeps two entries of one millisecond apart.
    id: `aud-${at.replace(/[-:.]/g, '')}-${randomBytes(6).toString('hex')}`,
    kind: 'audit',
    at,
    ttl: ttlSeconds(writer.settings.retention),
  };
  writer.append(stored);
  return stored;
}

/**
 * Waits until every queued entry is written, or `timeoutMs` passes. Entries still unwritten are
 * logged as an error with what they record (ids only) and returned, so the caller can fail loudly.
 */
export async function flushAudit(store: Store, timeoutMs = 10_000): Promise<AuditEntry[]> {
  const writer = writers.get(store);
  if (!writer) return [];
  const left = await writer.flush(timeoutMs);
  if (left.length > 0) logUnwritten(writer.settings.logger, left);
  return left;
}
