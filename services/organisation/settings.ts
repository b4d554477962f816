import { z } from 'zod';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import { escalationRulesSchema, ladderStageSchema } from './escalation-ladder';
import { compileCaseReferencePattern, NEVER_CASE_REFERENCES } from '../core/identifying';
import type { Organisation } from './model';
import { reminderPolicySchema } from './reminder-policy';
import type { Store } from '../store/ports';
import { ensureOrganisation } from './organisations';
import { Organisations } from './repository';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** What an administrator may set for their organisation; anything left out keeps its default. */
export const organisationSettingsSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    timeZone: z
      .string()
      .refine((tz) => tz === 'UTC' || Intl.supportedValuesOf('timeZone').includes(tz), 'must be an IANA time zone such as Europe/London')
      .optional(),
    reminderPolicy: reminderPolicySchema.partial().optional(),
    escalationRules: escalationRulesSchema.partial().optional(),
    escalationLadder: z.array(ladderStageSchema).min(1).max(8).optional(),
    caseReferencePattern: z
      .string()
      .min(2)
      .max(200)
      .refine((p) => compiles(p), 'must be a valid regular expression')
      .refine(
        (p) => !compiles(p) || NEVER_CASE_REFERENCES.every((bad) => !compileCaseReferencePattern(p).test(bad)),
        `must not accept a date, an NHS number, a phone number or a name (it must refuse each of: ${NEVER_CASE_REFERENCES.join(', ')})`,
      )
      .optional(),
  })
  .strict();

export type OrganisationSettings = z.infer<typeof organisationSettingsSchema>;

export async function updateOrganisationSettings(
  store: Store,
  clock: Clock,
  orgId: string,
  input: unknown,
  defaults: { timeZone: string },
): Promise<Organisation> {
  const parsed = organisationSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`);
    throw new AppError('VALIDATION', `The settings are not valid: ${lines.join('; ')}`);
  }
  await ensureOrganisation(store, clock, orgId, defaults);
  return new Organisations(store).update(orgId, (org) => ({ ...org, ...parsed.data }));
}
