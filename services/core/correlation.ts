import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * One reference per Teams activity, tab request, job run and command-line command: every log line
 * written while it runs carries it (see createLogger), and the "something went wrong" card shows it,
 * so what a user quotes finds the log lines of what failed for them. It is random, never derived from
 * a person, a message or a case.
 */
const current = new AsyncLocalStorage<string>();

export const newCorrelationId = (): string => randomBytes(6).toString('hex');

/** Runs `work` (and everything it awaits) under `id`. */
export function withCorrelation<T>(id: string, work: () => T): T {
  return current.run(id, work);
}

/** The reference of what is running now, if anything set one. */
export const correlationId = (): string | undefined => current.getStore();
