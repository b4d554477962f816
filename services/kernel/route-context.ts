import { z } from 'zod';
import type { AdaptiveCardJson } from '../core/adaptive-card';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Person } from '../people/model';
import type { Organisation } from '../organisation/model';
import type { WorkingCalendar } from '../scheduling/calendar';
import type { Store } from '../store/ports';
import type { DomainEvents } from '../events/domain-events';
import { recordAudit } from '../audit/audit-log';
import type { AuditAction, AuditRecordRef } from '../audit/model';
import { scopeFor } from '../access/policy';

/**
 * What every route gets: the stores and clock, and the acting person resolved from the activity;
 * and `Deps`, what the Teams host wires for the routes of one feature, which the kernel hands over
 * without knowing it (as JobContext does for jobs). A route names only the deps it reads, e.g.
 * `RouteContext<{ seal?: AnswerSeal }>` for the questionnaire routes, so the kernel imports no feature.
 */
export type RouteContext<Deps extends object = object> = {
  store: Store;
  clock: Clock;
  logger: Logger;
  calendar: WorkingCalendar;
  events: DomainEvents;
  actor: Person;
  organisation: Organisation;
  /** Whether this server sends email (MAIL_SENDER is set). */
  emailEnabled: boolean;
} & Deps;

/** Background work of the app a command may set going once its answer has gone (see TextCommand.afterAnswer). */
export type AppWork = { kickRoundUpkeep?: () => void };

/**
 * Where a route may answer. `personal`: only in a 1:1 chat with the bot, because its answer can
 * name people or cases (in a channel or group chat every member sees it, and a card answered
 * there is replaced for everyone). `anywhere`: says nothing about anyone (help).
 */
export type RouteScope = 'personal' | 'anywhere';

export type CardHandler<Deps extends object = object> = (ctx: RouteContext<Deps>, data: unknown) => Promise<AdaptiveCardJson>;
export type CardRoute<Deps extends object = object> = { scope: RouteScope; run: CardHandler<Deps> };
/**
 * A typed command: the one entry the router, the help card and the Teams manifest's command
 * menus are all built from, so adding a command here is the only step.
 */
export type TextCommand = {
  scope: RouteScope;
  pattern: RegExp;
  /** Text that matches `pattern`: what the help card and the command menu show, and what tests type to walk every route. */
  example: string;
  /** One line saying what the command does and, if it is for some roles only, for whom. */
  description: string;
  /**
   * Place in the Teams command menu (1 first); left out, the command is in the help card only.
   * Teams shows a short menu per scope, so only the commands most people need get one.
   */
  menu?: number;
  run: (ctx: RouteContext, match: RegExpMatchArray) => Promise<AdaptiveCardJson>;
  /** Runs after the answer was sent, so background work the command set going does not delay it or compete with it. */
  afterAnswer?: (app: AppWork) => void;
};

/** A card verb that answers only in a 1:1 chat. */
export const personal = <Deps extends object = object>(run: CardHandler<Deps>): CardRoute<Deps> => ({ scope: 'personal', run });

export const timeZoneOf = (ctx: RouteContext) => ctx.organisation.timeZone;

/** An ISO date in a typed command. */
export const DATE = '(\\d{4}-\\d{2}-\\d{2})';

/** Card data is untrusted: anything that is not a plain object counts as empty. */
export const objectOf = (data: unknown): Record<string, unknown> =>
  data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};

/** Records that the acting person saw (or changed) something about people here in Teams; written after the answer. */
export function auditInTeams(ctx: RouteContext, record: AuditRecordRef, action: AuditAction = 'view', detail?: string): void {
  const agency = scopeFor(ctx.actor, ctx.organisation).agency;
  recordAudit(ctx, {
    orgId: ctx.actor.orgId,
    who: ctx.actor.id,
    surface: 'teams',
    action,
    record,
    ...(agency ? { agency } : {}),
    ...(detail ? { detail } : {}),
  });
}

const pageData = z.object({ page: z.number().int().min(0).max(100_000) });

/**
 * The page a "Show N more" button asks for. Card data is untrusted: anything but a whole number
 * from 0 counts as the first page, and the card shows a page past the end as the last.
 */
export const pageIn = (data: unknown): number => {
  const parsed = pageData.safeParse(data);
  return parsed.success ? parsed.data.page : 0;
};
