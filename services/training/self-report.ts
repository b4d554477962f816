import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { today } from '../core/dates';
import { AppError } from '../core/errors';
import { enqueue } from '../delivery/outbox';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import { agencyOf, inScope, isToldOfSelfReportedTraining, mayVerifyTraining, scopeFor } from '../access/policy';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import type { Store } from '../store/ports';
import { courses } from './catalogue';
import { TrainingRepository } from './repository';
import type { TrainingRecord } from './model';
import { refreshTrainingSummaries } from './summaries';

const selfReportSchema = z.object({
  courseCode: z.string().trim().min(1).max(40),
  completedOn: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Give the date you completed it.', abort: true })
    // The pattern alone lets 30 February through.
    .refine((v) => DateTime.fromISO(v).isValid, 'That date does not exist.'),
  certificateUrl: z
    .string()
    .trim()
    .max(500)
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || /^https:\/\/\S+$/i.test(v), 'A certificate link must start with https://'),
});

/** A person reports a course they completed; it counts once HR verifies it. HR is told. */
export async function selfReport(deps: { store: Store; clock: Clock }, input: { actor: Person; timeZone: string; data: unknown }): Promise<TrainingRecord> {
  const parsed = selfReportSchema.safeParse(input.data);
  if (!parsed.success)
    throw new AppError('VALIDATION', 'Some answers need attention.', {
      fields: parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message })),
    });
  const d = parsed.data;
  const course = (await courses(deps.store, input.actor.orgId)).find((c) => c.code === d.courseCode.toUpperCase());
  if (!course) throw new AppError('VALIDATION', 'Choose a course from the list.', { fields: [{ field: 'courseCode', message: 'Choose a course.' }] });
  const day = today(deps.clock, input.timeZone);
  if (d.completedOn > day || d.completedOn < '2000-01-01') {
    throw new AppError('VALIDATION', 'The completion date must be a real date, not in the future.', {
      fields: [{ field: 'completedOn', message: 'Not in the future.' }],
    });
  }
  const partnership = await partnershipFor(deps, input.actor.orgId);
  const agency = agencyOf(input.actor, partnership);
  const record: TrainingRecord = {
    id: `rec-self-${randomUUID()}`,
    orgId: input.actor.orgId,
    kind: 'record',
    personId: input.actor.id,
    ...(agency ? { agency } : {}),
    courseCode: course.code,
    completedOn: d.completedOn,
    status: 'self-reported',
    source: 'self',
    ...(d.certificateUrl ? { certificateUrl: d.certificateUrl } : {}),
    createdAt: deps.clock.now().toISOString(),
  };
  await new TrainingRepository(deps.store).createRecord(record);
  await refreshTrainingSummaries(deps.store, record.orgId, [record.personId]);
  // Only HR who may verify it hear of it: the person's own agency's (a name is personal data).
  const told = (await new Directory(deps.store).all({ orgId: input.actor.orgId, ...(agency ? { agency } : {}) })).filter(
    (p) => p.active && isToldOfSelfReportedTraining(p),
  );
  for (const hr of told) {
    await enqueue(deps.store, deps.clock, {
      id: `training-self-${record.id}-to-${hr.id}`,
      orgId: record.orgId,
      purpose: 'training',
      recipient: { personId: hr.id },
      message: {
        kind: 'notice',
        title: 'A training completion to verify',
        text: `${input.actor.name} reports completing ${course.name} on ${d.completedOn}. Type "training to verify" to verify or reject it.`,
        namesOthers: true,
      },
    });
  }
  return record;
}

export async function pendingSelfReports(deps: PartnershipSource, actor: Person): Promise<TrainingRecord[]> {
  if (!mayVerifyTraining(actor)) throw new AppError('FORBIDDEN', 'Only HR can verify training completions.');
  const pending = await new TrainingRepository(deps.store).unreviewedSelfReports(scopeFor(actor, await partnershipFor(deps, actor.orgId)));
  return pending.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

const reviewSchema = z.object({ recordId: z.string().min(1).max(200), note: z.string().trim().max(500).optional() });

/** HR verifies (it then counts in the rates) or rejects a self-reported completion. */
export async function reviewSelfReport(
  deps: { store: Store; clock: Clock },
  input: { actor: Person; decision: 'verified' | 'rejected'; data: unknown },
): Promise<TrainingRecord> {
  if (!mayVerifyTraining(input.actor)) throw new AppError('FORBIDDEN', 'Only HR can verify training completions.');
  const parsed = reviewSchema.safeParse(input.data);
  if (!parsed.success) throw new AppError('VALIDATION', 'This card does not say which record to review.');
  const training = new TrainingRepository(deps.store);
  const current = await training.get<TrainingRecord>(input.actor.orgId, parsed.data.recordId);
  const partnership = await partnershipFor(deps, input.actor.orgId);
  // Another agency's record is answered as if it did not exist: its existence is not HR's to learn.
  if (!current || current.kind !== 'record' || current.status !== 'self-reported' || !inScope(current, scopeFor(input.actor, partnership), partnership)) {
    throw new AppError('NOT_FOUND', 'That self-reported completion does not exist.');
  }
  if (current.review) throw new AppError('VALIDATION', `It was already ${current.review.decision} by ${current.review.by.name}.`);
  const reviewed = await training.updateRecord(current.orgId, current.id, (r) => ({
    ...r,
    review: {
      decision: input.decision,
      by: { personId: input.actor.id, name: input.actor.name },
      at: deps.clock.now().toISOString(),
      ...(parsed.data.note ? { note: parsed.data.note } : {}),
    },
  }));
  await refreshTrainingSummaries(deps.store, reviewed.orgId, [reviewed.personId]);
  return reviewed;
}
