import Bottleneck from 'bottleneck';
import { DeliveryFailure } from './ports';

/**
 * How one tenant's pace adapts to the Bot Connector's answers (AIMD, as TCP does): a little faster
 * while sends succeed, a good deal slower on a 429, never above Teams' documented ceiling.
 */
export type PacingSettings = {
  /** Teams' limit per app per tenant (50/s): the pace never goes above it. */
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

export function pacingFor(ceilingPerSecond: number, overrides: Partial<PacingSettings> = {}): PacingSettings {
  return {
    ceilingPerSecond,
    startPerSecond: ceilingPerSecond * 0.96,
    increasePerSecond: 1,
    decreaseFactor: 0.9,
    floorPerSecond: Math.min(1, ceilingPerSecond),
    pauseAfterThrottles: 3,
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One tenant's pace. Bottleneck spaces the starts of sends (`minTime`, retuned as the pace
 * changes); the sends themselves run concurrently, so a slow answer does not slow the pace.
 */
export class TenantPacer {
  private state: PaceState;
  private readonly starts: Bottleneck;

  constructor(
    private readonly settings: PacingSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.state = initialPace(settings);
    this.starts = new Bottleneck({ maxConcurrent: 1, minTime: this.minTime() });
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
    // A pause holds the one start slot, so the sends queued behind it keep their spacing afterwards.
    await this.starts.schedule(async () => {
      const wait = this.state.pausedUntil - this.now();
      if (wait > 0) await sleep(wait);
    });
    try {
      const result = await call();
      this.learn(afterSuccess(this.state, this.settings));
      return result;
    } catch (e) {
      if (e instanceof DeliveryFailure && e.status === 429) this.learn(afterThrottle(this.state, this.settings, this.now(), e.retryAfterMs));
      throw e;
    }
  }

  private minTime(): number {
    return Math.round((1000 / this.state.perSecond) * 10) / 10;
  }

  private learn(next: PaceState): void {
    const before = this.minTime();
    this.state = next;
    const after = this.minTime();
    if (after !== before) this.starts.updateSettings({ minTime: after });
  }
}
