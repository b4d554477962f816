import type { AdaptiveCardJson } from '../../cards/render';
import type { Clock } from '../../services/core/clock';
import type { Logger } from '../../services/core/logger';
import type { Person } from '../../services/people/model';
import type { Organisation } from '../../services/organisation/model';
import type { WorkingCalendar } from '../../services/scheduling/calendar';
import type { Store } from '../../services/store/ports';
import type { DomainEvents } from '../../services/events/domain-events';
import type { AnswerSeal } from '../../services/surveys/seal';

/** What every route gets: the stores and clock, and the acting person resolved from the activity. */
export type RouteContext = { store: Store; clock: Clock; logger: Logger; calendar: WorkingCalendar; events: DomainEvents; seal: AnswerSeal; actor: Person; organisation: Organisation };

export type CardRoute = (ctx: RouteContext, data: unknown) => Promise<AdaptiveCardJson>;
export type TextCommand = { pattern: RegExp; run: (ctx: RouteContext, match: RegExpMatchArray) => Promise<AdaptiveCardJson> };

export const timeZoneOf = (ctx: RouteContext) => ctx.organisation.timeZone;

/** An ISO date in a typed command. */
export const DATE = '(\\d{4}-\\d{2}-\\d{2})';

/** Card data is untrusted: anything that is not a plain object counts as empty. */
export const objectOf = (data: unknown): Record<string, unknown> => (data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {});
