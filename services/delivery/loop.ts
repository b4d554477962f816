import type { Logger } from '../core/logger';
import type { DeliverySender, DrainReport } from './sender';

/** Drains the outbox every `intervalMs`, one drain at a time; `kick()` drains now (after a job enqueued work). */
export function startDeliveryLoop(sender: DeliverySender, orgId: string, intervalMs: number, logger: Logger) {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  let last: { at: string; ok: boolean; report?: DrainReport } | undefined;
  const drain = () => {
    if (stopped) return Promise.resolve();
    running ??= sender
      .drain(orgId)
      .then((report) => (last = { at: new Date().toISOString(), ok: true, report }))
      .catch((e: unknown) => {
        last = { at: new Date().toISOString(), ok: false };
        logger.error({ err: e }, 'delivery run failed; the outbox keeps the messages for the next run');
      })
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void drain(), intervalMs);
  timer.unref();
  return {
    kick: drain,
    status: () => ({ intervalMs, ...(last ? { lastRun: last } : {}) }),
    /** Ends the loop; a drain under way releases what it had claimed but not sent (see DeliverySender.stop). */
    async stop() {
      stopped = true;
      clearInterval(timer);
      sender.stop();
      await running;
    },
  };
}
