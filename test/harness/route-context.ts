import { findCommand } from '../../bot/card-routes';
import type { RouteContext, TextCommand } from '../../services/kernel/route-context';
import type { AdaptiveCardJson } from '../../cards/render';
import { FixedClock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import { DomainEvents, type DomainEvent, type EventContext } from '../../services/events/domain-events';
import { domainEvents } from '../../bot/modules';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Person } from '../../services/people/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import type { Store } from '../../services/store/ports';
import { AnswerSeal } from '../../services/surveys/seal';
import { ORG } from './fixtures';

/** The app's own event handlers, with every published event kept for the test to read. */
export class RecordingEvents extends DomainEvents {
  readonly published: DomainEvent[] = [];
  constructor(private readonly real: DomainEvents) {
    super();
  }
  override async publish(event: DomainEvent, ctx: EventContext): Promise<void> {
    this.published.push(event);
    await this.real.publish(event, ctx);
  }
}

export type RecordingRouteContext = RouteContext<{ seal: AnswerSeal }> & { clock: FixedClock; events: RecordingEvents };

/**
 * What the bot hands a route for one activity (see TrackerBot.routeContext), built without Teams:
 * the real store, a fixed clock, the app's calendar and event handlers, and the acting person.
 */
export function routeContexts(store: Store, clock: FixedClock, server: { emailEnabled?: boolean } = {}) {
  const calendar = new WorkingCalendar();
  const events = new RecordingEvents(domainEvents(calendar));
  const seal = AnswerSeal.random();
  return async (actor: Person): Promise<RecordingRouteContext> => {
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    // A server without MAIL_SENDER unless the test says otherwise, as in local mode.
    return { store, clock, logger: silentLogger, calendar, events, seal, actor, organisation, emailEnabled: server.emailEnabled ?? false };
  };
}

/** Runs the command in `commands` that `text` selects, as the bot's router does. */
export function typed(commands: TextCommand[], ctx: RouteContext, text: string): Promise<AdaptiveCardJson> {
  const found = findCommand(text, commands);
  if (!found) throw new Error(`no command matches "${text}"`);
  return found.command.run(ctx, found.match);
}

/** Every piece of text a card shows, in order, for assertions that read like what the user sees. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'string' && ['text', 'title', 'value', 'label', 'placeholder'].includes(key)) out.push(value);
        else walk(value);
      }
    }
  };
  walk(card);
  return out.join('\n');
}

/** The verbs of the card's Action.Execute buttons, nested ones included. */
export function verbsOf(card: unknown): string[] {
  return [...JSON.stringify(card).matchAll(/"verb":"([^"]+)"/g)].map((m) => m[1]!);
}

/**
 * What Teams sends when a button is pressed: the button's data merged with every input's value
 * (as shown, or as `typed` by the person).
 */
export function actionData(card: unknown, title: string, typed: Record<string, string> = {}): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const inputs: Record<string, unknown> = {};
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.Execute' && o.title === title) found.push(o);
      if (typeof o.type === 'string' && o.type.startsWith('Input.')) inputs[o.id as string] = o.value ?? '';
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (!found[0]) throw new Error(`no "${title}" button on the card: ${JSON.stringify(card).slice(0, 400)}`);
  return { ...(found[0].data as Record<string, unknown>), ...inputs, ...typed };
}
