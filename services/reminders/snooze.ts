import { z } from 'zod';
import type { Clock } from '../core/clock';
import { today } from '../core/dates';
import { AppError } from '../core/errors';
import type { Person } from '../people/model';
import { ActionPlan, type Action } from '../plan';
import type { Organisation } from '../organisation/model';
import type { WorkingCalendar } from '../scheduling/calendar';
import type { Store } from '../store/ports';
import { canUpdate, loadActionFor } from '../updates';
import { policyOf } from '../organisation/reminder-policy';

const snoozeSchema = z.object({ actionId: z.string().min(1).max(200), days: z.coerce.number().int() });

/** "Snooze" on a digest line: no reminders about that action until the given working days have passed. */
export async function snoozeAction(
  deps: { store: Store; clock: Clock; calendar: WorkingCalendar },
  input: { actor: Person; organisation: Organisation; data: unknown },
): Promise<Action> {
  const parsed = snoozeSchema.safeParse(input.data);
  if (!parsed.success) throw new AppError('VALIDATION', 'This card does not say what to snooze or for how long.');
  const choices = policyOf(input.organisation).snoozeChoices;
  if (!choices.includes(parsed.data.days)) throw new AppError('VALIDATION', `Snooze for ${choices.join(', ')} working days.`);
  const action = await loadActionFor(deps.store, input.actor, parsed.data.actionId);
  if (!(await canUpdate({ store: deps.store, organisation: input.organisation }, input.actor, action, today(deps.clock, input.organisation.timeZone)))) {
    throw new AppError('FORBIDDEN', 'Only the action’s lead, their cover, or a plan administrator can snooze its reminders.');
  }
  const until = deps.calendar.addWorkingDays(today(deps.clock, input.organisation.timeZone), parsed.data.days);
  return new ActionPlan(deps.store).updateAction(action.orgId, action.id, (a) => (a.snoozedUntil === until ? undefined : { ...a, snoozedUntil: until }));
}
