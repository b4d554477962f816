import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Store } from '../store/ports';
import { roundUpkeep, SUMMARY_INTERVAL_MS } from './rounds';

/**
 * Runs the round upkeep every minute (`everyMinute`), one run at a time: rounds just started are
 * set up and changed summaries refreshed outside the requests that caused them. `kick()` runs it
 * now (after `start round`). `afterWork` follows a run that queued messages (the delivery loop's kick).
 */
export function startRoundUpkeep(
  deps: { store: Store; clock: Clock; logger: Logger },
  orgId: string,
  options: { everyMinute: boolean; afterWork?: () => Promise<unknown> },
) {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const run = () => {
    if (stopped) return Promise.resolve();
    running ??= roundUpkeep(deps, orgId)
      .then(async (done) => {
        if (done.setUp + done.refreshed > 0) await options.afterWork?.();
      })
      .catch((e: unknown) => deps.logger.error({ err: e }, 'round upkeep failed; the next run takes it up again'))
      .finally(() => (running = undefined));
    return running;
  };
  const timer = options.everyMinute ? setInterval(() => void run(), SUMMARY_INTERVAL_MS) : undefined;
  timer?.unref();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
