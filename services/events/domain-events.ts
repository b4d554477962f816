import type { Clock } from '../core/clock';
import type { Organisation } from '../organisation/model';
import type { Store } from '../store/ports';

/**
 * What happened and was stored, by event type, for the modules that act on it. The area that
 * publishes an event adds it here by declaration merging, beside the code that publishes it
 * (ActionUpdated: updates/status-update.ts), so the bus names no feature's records.
 */
export interface DomainEventPayloads {
  /** A partnership's first lead agency was chosen, and its people with no agency joined it. */
  LeadAgencyChosen: { orgId: string; agencyId: string };
}

export type DomainEventType = keyof DomainEventPayloads;

/** One event: its type and what it carries. */
export type DomainEvent = { [T in DomainEventType]: { type: T } & DomainEventPayloads[T] }[DomainEventType];

/**
 * What the publisher works with: a handler reads and writes through the same store and clock.
 * A publisher that already holds the organisation passes it, so handlers need not read it again.
 */
export type EventContext = { store: Store; clock: Clock; organisation?: Organisation };

/** What a use case needs of the bus: to say what it did. */
export type DomainEventPublisher = Pick<DomainEvents, 'publish'>;

export type EventHandler<T extends DomainEventType> = (event: Extract<DomainEvent, { type: T }>, ctx: EventContext) => Promise<void>;

/**
 * Cross-module side effects, registered once in the composition root. A module publishes what it
 * did and does not know who reacts. Handlers run one after another and a failure reaches the
 * publisher, so a replayed command runs them again: every handler must be idempotent.
 */
export class DomainEvents {
  private readonly handlers = new Map<DomainEventType, EventHandler<DomainEventType>[]>();

  on<T extends DomainEventType>(type: T, handler: EventHandler<T>): this {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler as unknown as EventHandler<DomainEventType>]);
    return this;
  }

  async publish(event: DomainEvent, ctx: EventContext): Promise<void> {
    for (const handler of this.handlers.get(event.type) ?? []) await handler(event, ctx);
  }
}
