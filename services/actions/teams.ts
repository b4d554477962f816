import { z } from 'zod';
import type { AdaptiveCardJson } from '../../cards/render';
import { noticeCard } from '../../cards/views';
import { digestCard, myActionsCard, summaryCard, updateFormCard } from '../../cards/actions/cards';
import { OutboxRepository } from '../delivery/repository';
import { today, formatDate } from '../core/dates';
import { AppError } from '../core/errors';
import { endLeave, setLeave } from '../people/leave';
import { ActionPlan } from '../plan';
import { snoozeAction } from '../reminders';
import { canUpdate, loadActionFor, submitStatusUpdate } from '../updates';
import { DATE, pageIn, personal, timeZoneOf, type CardRoute, type RouteContext, type TextCommand } from '../kernel/route-context';

const actionIdData = z.object({ actionId: z.string().min(1).max(200) });

/** Opening an action: the form for those who may update it, a read-only view for anyone else. */
async function openAction(ctx: RouteContext, actionId: string): Promise<AdaptiveCardJson> {
  const action = await loadActionFor(ctx.store, ctx.actor, actionId);
  const allowed = await canUpdate(ctx, ctx.actor, action, today(ctx.clock, timeZoneOf(ctx)));
  return allowed ? updateFormCard(action) : summaryCard(action, { timeZone: timeZoneOf(ctx), canUpdate: false });
}

async function myActions(ctx: RouteContext, page = 0): Promise<AdaptiveCardJson> {
  return myActionsCard(await new ActionPlan(ctx.store).openActionsLedBy(ctx.actor.orgId, ctx.actor.id), today(ctx.clock, timeZoneOf(ctx)), page);
}

const digestPageData = z.object({ outboxId: z.string().regex(/^reminders-[A-Za-z0-9_.:-]{1,280}$/), page: z.number().int().min(0).max(100_000) });

/**
 * Another page of a reminder digest, read back from the outbox item it was sent as. Only its
 * recipient may page it; for anyone else it does not exist.
 */
async function digestPage(ctx: RouteContext, data: unknown): Promise<AdaptiveCardJson> {
  const parsed = digestPageData.safeParse(data);
  if (!parsed.success) throw new AppError('VALIDATION', 'This card does not say which reminder to show.');
  const item = await new OutboxRepository(ctx.store).get(ctx.actor.orgId, parsed.data.outboxId);
  const mine = item && item.message.kind === 'reminder-digest' && 'personId' in item.recipient && item.recipient.personId === ctx.actor.id;
  if (!mine || item.message.kind !== 'reminder-digest')
    throw new AppError('NOT_FOUND', 'That reminder is no longer available. Type "my actions" to see your actions.');
  return digestCard(item.message, parsed.data.page);
}

/** The action plan, its updates and reminders, and leave cover. */
export const ACTION_ROUTES = {
  'myActions.show': personal((ctx, data) => myActions(ctx, pageIn(data))),
  'digest.page': personal((ctx, data) => digestPage(ctx, data)),
  'action.open': personal(async (ctx, data) => {
    const parsed = actionIdData.safeParse(data);
    if (!parsed.success) throw new AppError('VALIDATION', 'This card does not say which action to open.');
    return openAction(ctx, parsed.data.actionId);
  }),
  'action.update': personal(async (ctx, data) => {
    const outcome = await submitStatusUpdate(ctx, { actor: ctx.actor, data, timeZone: timeZoneOf(ctx) });
    switch (outcome.kind) {
      case 'saved':
      case 'replayed':
        return summaryCard(outcome.action, { timeZone: timeZoneOf(ctx), canUpdate: true });
      case 'invalid':
        return updateFormCard(outcome.action, { values: outcome.values, issues: outcome.issues, notice: 'Please check the highlighted answers.' });
      case 'stale':
        return updateFormCard(outcome.action, {
          values: outcome.values,
          notice: 'Someone updated this action after this card was shown. Here is the latest; check it and submit again if your update still stands.',
        });
    }
  }),
  'action.snooze': personal(async (ctx, data) => {
    const action = await snoozeAction(ctx, { actor: ctx.actor, organisation: ctx.organisation, data });
    return noticeCard(`Reminders for ${action.ref} snoozed`, `You will not be reminded about ${action.ref} until after ${formatDate(action.snoozedUntil!)}.`, {
      tone: 'done',
    });
  }),
} satisfies Record<string, CardRoute>;

export const ACTION_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^my actions?$/i,
    example: 'my actions',
    description: 'Your open actions, soonest due first, each with an Update button.',
    menu: 1,
    run: (ctx) => myActions(ctx),
  },
  {
    scope: 'personal',
    pattern: /^(?:action|open|update)\s+(LP\d{1,3}\.\d{1,3})$/i,
    example: 'action LP2.3',
    description: 'Open one action by its reference (use yours for LP2.3) to see or update it.',
    menu: 2,
    run: async (ctx, match) => {
      const ref = match[1]!.toUpperCase();
      const action = await new ActionPlan(ctx.store).findByRef(ctx.actor.orgId, ref);
      if (!action) throw new AppError('NOT_FOUND', `There is no action ${ref} in the plan. Type "my actions" to see yours.`);
      return openAction(ctx, action.id);
    },
  },
  {
    scope: 'personal',
    pattern: new RegExp(`^(?:on )?leave until ${DATE} delegate (.{1,200})$`, 'i'),
    example: 'leave until 2027-01-15 delegate Tim Sadler',
    description: 'While you are away, your delegate (name or email) gets your reminders and may update your actions.',
    run: async (ctx, match) => {
      const { person, delegate, delegateUnreachable } = await setLeave(ctx, {
        actor: ctx.actor,
        until: match[1]!,
        delegate: match[2]!,
        timeZone: timeZoneOf(ctx),
        emailEnabled: ctx.emailEnabled,
      });
      const set = `Until ${formatDate(person.leave!.until)}, ${delegate.name} gets your reminders and may update your actions. Type "back from leave" to end it early.`;
      if (!delegateUnreachable) return noticeCard('Leave cover set', set, { tone: 'done' });
      // Set all the same (they may open the app tomorrow), but the owner must know that for now nothing reaches them.
      return noticeCard(
        'Leave cover set, but your delegate cannot be reached',
        `${set} Warning: I cannot reach ${delegate.name} at the moment (${delegateUnreachable}), so your reminders would reach no one. Ask them to open the app in Teams, or choose someone else.`,
        { tone: 'problem' },
      );
    },
  },
  {
    scope: 'personal',
    pattern: /^back from leave$/i,
    example: 'back from leave',
    description: 'End leave cover early.',
    menu: 8,
    run: async (ctx) => {
      await endLeave(ctx, ctx.actor);
      return noticeCard('Welcome back', 'Your reminders come to you again.', { tone: 'done' });
    },
  },
];
