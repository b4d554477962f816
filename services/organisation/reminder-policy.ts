import { z } from 'zod';

/** When an organisation's action owners are reminded: its override, merged over the defaults. */
export type ReminderPolicy = {
  /** Working days before the due date on which to remind. */
  beforeDue: number[];
  onDueDay: boolean;
  /** While overdue and not updated, remind every this many working days. */
  overdueEvery: number;
  ongoingCadence: 'monthly' | 'quarterly';
  /** The working-day choices a digest's Snooze offers. */
  snoozeChoices: number[];
};

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  beforeDue: [14, 7, 1],
  onDueDay: true,
  overdueEvery: 5,
  ongoingCadence: 'monthly',
  snoozeChoices: [1, 3, 7],
};

const workingDays = z.number().int().min(1).max(60);
const distinct = (values: number[]) => new Set(values).size === values.length;

/** An organisation's policy (its override merged over the defaults); a ZodObject so settings can validate a partial override. */
export const reminderPolicySchema = z.object({
  beforeDue: z.array(workingDays).max(10).refine(distinct, 'Each number of days before the due date may appear only once.'),
  onDueDay: z.boolean(),
  overdueEvery: workingDays,
  ongoingCadence: z.enum(['monthly', 'quarterly']),
  snoozeChoices: z.array(workingDays).min(1).max(5).refine(distinct, 'Each snooze choice may appear only once.'),
}) satisfies z.ZodType<ReminderPolicy>;

/** The organisation's reminder policy, with the defaults for anything it leaves out or gets wrong. */
export function policyOf(organisation: { reminderPolicy?: Record<string, unknown> }): ReminderPolicy {
  const parsed = reminderPolicySchema.safeParse({ ...DEFAULT_REMINDER_POLICY, ...(organisation.reminderPolicy ?? {}) });
  return parsed.success ? parsed.data : DEFAULT_REMINDER_POLICY;
}
