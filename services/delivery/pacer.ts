import { DeliveryFailure } from './ports';

/**
 * How one tenant's pace adapts to the Bot Connector's answers (AIMD, as TCP does): a little faster
 * while sends succeed, a good deal slower on a 429, never above Teams' documented ceiling.
 */
export type PacingSettings = {
  /** The most the pace rises to: just under Teams' limit per app per tenant (50/s), which arrival jitter would otherwise cross. */
  ceilingPerSecond: number;
  /** Where a tenant's pace starts: near the ceiling, since the limit is documented. */
  startPerSecond: number;
  /** Additive increase: requests/s gained for each second of sends that all succeed. */
  increasePerSecond: number;
  /** Multiplicative decrease: the pace is multiplied by this on a 429. */
  decreaseFactor: number;
  /** The pace never falls below this, however many 429s. */
  floorPerSecond: number;
  /**
   * After this many 429s in a row (no success between), the tenant sends nothing until Retry-After
   * has passed. A single 429 near the ceiling means "slightly too fast" and only slows the pace;
   * the throttled message itself always waits out its Retry-After in the outbox.
   */
  pauseAfterThrottles: number;
};

/** The pacing for a documented limit of `limitPerSecond` per tenant. */
export function pacingFor(limitPerSecond: number, overrides: Partial<PacingSettings> = {}): PacingSettings {
  return {
    ceilingPerSecond: limitPerSecond * 0.99,
    startPerSecond: limitPerSecond * 0.96,
    // Gentle both ways: the limit is known, so a 429 near it means "slightly fast", not congestion.
    increasePerSecond: 2,
    decreaseFactor: 0.95,
    floorPerSecond: Math.min(1, limitPerSecond),
    // Near the limit two or three 429s in a row are jitter; five say the tenant is being held back.
    pauseAfterThrottles: 5,
    ...overrides,
  };
}

export type PaceState = { perSecond: number; pausedUntil: number; throttledInARow: number };

export function initialPace(settings: PacingSettings): PaceState {
  return { perSecond: Math.min(settings.startPerSecond, settings.ceilingPerSecond), pausedUntil: 0, throttledInARow: 0 };
}

/** A send went through: each success adds increase/pace, so a full second of them adds `increasePerSecond`. */
export function afterSuccess(state: PaceState, settings: PacingSettings): PaceState {
  const perSecond = Math.min(settings.ceilingPerSecond, state.perSecond + settings.increasePerSecond / state.perSecond);
  return { ...state, perSecond, throttledInARow: 0 };
}

/** A 429: slow down; if they keep coming, stop until the connector's Retry-After has passed. */
export function afterThrottle(state: PaceState, settings: PacingSettings, now: number, retryAfterMs: number | undefined): PaceState {
  const throttledInARow = state.throttledInARow + 1;
  const perSecond = Math.max(settings.floorPerSecond, state.perSecond * settings.decreaseFactor);
  const pausedUntil = throttledInARow >= settings.pauseAfterThrottles ? Math.max(state.pausedUntil, now + (retryAfterMs ?? 1_000)) : state.pausedUntil;
  return { perSecond, pausedUntil, throttledInARow };
}

/** How far behind its timeline a pacer may fall and still catch up: lateness of the event loop, not idle time. */
const CATCH_UP_INTERVALS = 2;

/**
 * One tenant's pace: each send gets the next slot on a timeline spaced 1/pace apart. Slots are
 * given out against the timeline, not against when the last send happened, so a late timer (a
 * busy event loop) does not slow the pace: measured here, spacing each start from the previous one
 * (as Bottleneck's `minTime` does) gave 46 sends/s for a 50/s setting on an idle process, too far
 * below the ceiling for the 95% goal. The sends themselves run concurrently, so a slow answer
 * does not slow the pace either.
 */
export class TenantPacer {
  private state: PaceState;
  private nextAt = 0;
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: PacingSettings,
    /** Milliseconds from the wall clock the sender is given (Retry-After is Teams' time). */
    private readonly now: () => number,
  ) {
    this.state = initialPace(settings);
  }

  /** Requests per second this tenant is paced at now. */
  get perSecond(): number {
    return this.state.perSecond;
  }

  get pausedUntil(): number {
    return this.state.pausedUntil;
  }

  /** Waits for this tenant's next slot, then calls Teams, and learns from the answer. */
  async send<T>(call: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.release();
    });
    try {
      const result = await call();
      this.state = afterSuccess(this.state, this.settings);
      return result;
    } catch (e) {
      if (e instanceof DeliveryFailure && e.status === 429) this.state = afterThrottle(this.state, this.settings, this.now(), e.retryAfterMs);
      throw e;
    }
  }

  /** Lets waiting sends go, one per slot, in the order they came; sleeps until the next slot otherwise. */
  private release(): void {
    while (this.waiting.length > 0 && this.timer === undefined) {
      const now = this.now();
      const interval = 1000 / this.state.perSecond;
      // Idle time earns no burst: the timeline never lags now by more than a couple of slots.
      const at = Math.max(this.nextAt, now - CATCH_UP_INTERVALS * interval, this.state.pausedUntil);
      if (at > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.release();
        }, at - now);
        return;
      }
      this.nextAt = at + interval;
      this.waiting.shift()!();
    }
  }
}
