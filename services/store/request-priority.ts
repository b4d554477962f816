import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Background work (scheduled jobs, imports, backups, restores, migrations) against interactive
 * work (card answers, typed commands, tab views), for the store adapter:
 * - background requests carry Cosmos DB's Low priority (`x-ms-cosmos-priority-level`), so when a
 *   container is at its throughput the service throttles them before anyone's card answer
 *   (priority-based execution, https://learn.microsoft.com/azure/cosmos-db/priority-based-execution;
 *   the account must have it on, else the header is ignored);
 * - a 429 that outlasts the client's own retries is waited out and retried for up to
 *   BACKGROUND_BUSY_WAIT_MS: a job may take minutes, a person in Teams may not (15 s).
 * Set around the work by whoever starts it, so every store call inside it, however deep, is marked.
 */
const background = new AsyncLocalStorage<true>();

/** How long background work waits out throttling in all, on top of the client's own retries. */
export const BACKGROUND_BUSY_WAIT_MS = 120_000;

/** Runs `work` as background work: Low priority and long waits on throttling. */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  return background.run(true, work);
}

export function isBackgroundWork(): boolean {
  return background.getStore() === true;
}

/**
 * The SDK's retries on 429 for a client, by what the process serves. The bot and tab answer people
 * inside Teams' 15 s, so a request gives up after a few seconds and the person sees "busy, try again
 * in a minute"; the command line and background work wait much longer (the SDK's default is 9
 * retries or 30 s: https://learn.microsoft.com/javascript/api/@azure/cosmos/retryoptions).
 */
export type StoreSurface = 'interactive' | 'background';
export const RETRY_OPTIONS: Record<StoreSurface, { maxRetryAttemptCount: number; maxWaitTimeInSeconds: number }> = {
  interactive: { maxRetryAttemptCount: 4, maxWaitTimeInSeconds: 5 },
  background: { maxRetryAttemptCount: 30, maxWaitTimeInSeconds: 120 },
};
