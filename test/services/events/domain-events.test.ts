import { FixedClock } from '../../../services/core/clock';
import { DomainEvents, type DomainEvent } from '../../../services/events/domain-events';
import type { Store } from '../../../services/store/ports';
import { actionDoc } from '../../harness/fixtures';

type ActionUpdated = Extract<DomainEvent, { type: 'ActionUpdated' }>;
const event = (): ActionUpdated => {
  const action = { ...actionDoc({ id: 'a1', leadIds: ['val'] }), version: 2 } as ActionUpdated['action'];
  return {
    type: 'ActionUpdated',
    action,
    update: {
      id: 'u1',
      at: '2026-11-24T10:00:00Z',
      by: { personId: 'val', name: 'Val' },
      source: 'teams',
      status: 'G',
      progress: 'On track',
    } as ActionUpdated['update'],
    timeZone: 'Europe/London',
  };
};
const ctx = { store: {} as Store, clock: new FixedClock('2026-11-24T10:00:00Z') };

describe('domain events', () => {
  it('run every handler of the event, in the order they were registered, with the publisher’s store and clock', async () => {
    const seen: string[] = [];
    const events = new DomainEvents()
      .on('ActionUpdated', async (e, c) => void seen.push(`first ${e.action.id} ${c.clock.now().toISOString()}`))
      .on('ActionUpdated', async (e) => void seen.push(`second ${e.update.id}`));
    await events.publish(event(), ctx);
    expect(seen).toEqual(['first a1 2026-11-24T10:00:00.000Z', 'second u1']);
  });

  it('a failing handler fails the publisher (so the command can be retried) and stops the handlers after it', async () => {
    const seen: string[] = [];
    const events = new DomainEvents()
      .on('ActionUpdated', async () => {
        throw new Error('store unavailable');
      })
      .on('ActionUpdated', async () => void seen.push('after'));
    await expect(events.publish(event(), ctx)).rejects.toThrow('store unavailable');
    expect(seen).toEqual([]);
  });

  it('an event nothing listens to is published without effect', async () => {
    await expect(new DomainEvents().publish(event(), ctx)).resolves.toBeUndefined();
  });
});
