/** A fault a fake service will answer with, for the next `remaining` calls that `match` (or any call). */
export type PendingFault<F, C> = { fault: F; remaining: number; match?: ((call: C) => boolean) | undefined };

/** Takes the first pending fault that applies to this call, using up one of its repeats. */
export function takeFault<F, C>(faults: PendingFault<F, C>[], call: C): F | undefined {
  const index = faults.findIndex((f) => f.remaining > 0 && (f.match === undefined || f.match(call)));
  const pending = faults[index];
  if (!pending) return undefined;
  pending.remaining -= 1;
  if (pending.remaining <= 0) faults.splice(index, 1);
  return pending.fault;
}
