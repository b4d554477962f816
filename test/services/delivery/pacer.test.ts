import { afterSuccess, afterThrottle, initialPace, pacingFor, TenantPacer } from '../../../services/delivery/pacer';
import { DeliveryFailure } from '../../../services/delivery/ports';

describe('a tenant’s pace adapts to the connector’s answers (AIMD)', () => {
  const teams = pacingFor(50);

  it('starts near Teams’ documented 50/s and never goes above it, however long sends succeed', () => {
    let pace = initialPace(teams);
    expect(pace.perSecond).toBeGreaterThanOrEqual(45);
    expect(pace.perSecond).toBeLessThanOrEqual(50);
    for (let i = 0; i < 10_000; i++) pace = afterSuccess(pace, teams);
    expect(pace.perSecond).toBe(teams.ceilingPerSecond);
    expect(pace.perSecond).toBeGreaterThan(49);
    expect(pace.perSecond).toBeLessThan(50);
  });

  it('a 429 cuts the pace by the decrease factor; a second of successes then adds the increase back', () => {
    const t = 1_000_000;
    let pace = afterThrottle(initialPace(teams), teams, t, 1_000);
    expect(teams.decreaseFactor).toBeLessThan(1);
    expect(pace.perSecond).toBeCloseTo(48 * teams.decreaseFactor);
    const cut = pace.perSecond;
    // A second's worth of sends at the cut pace, all answered.
    for (let i = 0; i < Math.round(cut); i++) pace = afterSuccess(pace, teams);
    expect(pace.perSecond).toBeGreaterThan(cut + teams.increasePerSecond * 0.9);
    expect(pace.perSecond).toBeLessThan(cut + teams.increasePerSecond * 1.1);
  });

  it('an isolated 429 only slows the pace; 429s in a row stop the tenant until Retry-After has passed', () => {
    const t = 1_000_000;
    let pace = initialPace(teams);
    for (let i = 1; i < teams.pauseAfterThrottles; i++) {
      pace = afterThrottle(pace, teams, t + i * 20, 2_000);
      expect(pace.pausedUntil).toBeLessThanOrEqual(t);
    }
    const last = t + teams.pauseAfterThrottles * 20;
    pace = afterThrottle(pace, teams, last, 2_000);
    expect(pace.pausedUntil).toBe(last + 2_000);
    // A success ends the run of 429s: the next one is isolated again.
    pace = afterThrottle(afterSuccess(pace, teams), teams, t + 3_000, 2_000);
    expect(pace.throttledInARow).toBe(1);
    expect(pace.pausedUntil).toBe(last + 2_000);
  });

  it('a storm of 429s brings the pace down to the floor, not to zero', () => {
    let pace = initialPace(teams);
    for (let i = 0; i < 200; i++) pace = afterThrottle(pace, teams, i, undefined);
    expect(pace.perSecond).toBe(teams.floorPerSecond);
    expect(pace.perSecond).toBeGreaterThan(0);
  });

  it('the pacer holds every send of its tenant until Retry-After has passed, by its injected clock', async () => {
    let now = 5_000_000;
    const pacer = new TenantPacer(pacingFor(1_000, { pauseAfterThrottles: 1 }), () => now);
    await expect(pacer.send(() => Promise.reject(new DeliveryFailure(429, 'Too many requests', 60_000)))).rejects.toThrow('Too many requests');
    expect(pacer.pausedUntil).toBe(5_060_000);
    // Time moves past Retry-After on the injected clock: the next send goes at once.
    now += 60_000;
    await expect(pacer.send(() => Promise.resolve('sent'))).resolves.toBe('sent');
    expect(pacer.perSecond).toBeLessThan(960);
  });
});
