/**
 * How the delivery engine treats each Bot Connector answer (from Teams' guidance): throttling,
 * conflicts and gateway errors are retried; a recipient who blocked or removed the bot is
 * unreachable; anything else is a fault in the message and retrying would not help.
 */
export type FailureClass = 'retry' | 'unreachable' | 'fail';

const RETRY = new Set([0, 408, 412, 429, 502, 503, 504]);
const UNREACHABLE = new Set([403, 404]);

export function classifyFailure(status: number): FailureClass {
  if (RETRY.has(status)) return 'retry';
  if (UNREACHABLE.has(status)) return 'unreachable';
  return 'fail';
}

export const RETRY_POLICY = { maxAttempts: 8, baseMs: 2_000, capMs: 5 * 60_000 } as const;

/** Exponential backoff with jitter, or exactly what Retry-After asked for. */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(RETRY_POLICY.capMs, RETRY_POLICY.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
