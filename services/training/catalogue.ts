import { z } from 'zod';
import { AppError } from '../core/errors';
import type { Person } from '../people/model';
import type { Scope } from '../organisation/model';
import type { Store } from '../store/ports';
import { courseId, DEFAULT_COURSES, type Course } from './model';
import { RecordSummary, type TrainingFigures } from './rates';
import { TrainingRepository } from './repository';
import { storedSummary } from './summaries';

const training = (store: Store) => new TrainingRepository(store);

const defaultCourses = (orgId: string): Course[] => DEFAULT_COURSES.map((c) => ({ ...c, id: courseId(c.code), orgId, kind: 'course' }));

/** The organisation's courses: the default catalogue until a set-up stores its own (reading never writes). */
export async function courses(store: Store, orgId: string): Promise<Course[]> {
  const found = await new TrainingRepository(store).courses(orgId);
  return found.length > 0 ? found : defaultCourses(orgId);
}

export const requirements = (store: Store, orgId: string) => new TrainingRepository(store).requirements(orgId);
export const records = (store: Store, orgId: string) => new TrainingRepository(store).records({ orgId });

/** Everyone's figures (of one agency, with `scope.agency`) as at a date, from the stored summaries: one small document a person rather than every record. */
export async function loadTrainingFigures(store: Store, scope: Scope, people: Person[], asAt: string): Promise<TrainingFigures> {
  const [c, r, stored] = await Promise.all([courses(store, scope.orgId), requirements(store, scope.orgId), new TrainingRepository(store).summaries(scope)]);
  const summary = new RecordSummary(asAt);
  for (const s of stored) summary.addPerson(s.personId, s.courses);
  return { people, courses: c, requirements: r, summary };
}

/** One person's figures as at a date: a point read of their summary. */
export async function loadPersonTraining(store: Store, person: Person, asAt: string): Promise<TrainingFigures> {
  const [c, r, stored] = await Promise.all([courses(store, person.orgId), requirements(store, person.orgId), storedSummary(store, person.orgId, person.id)]);
  const summary = new RecordSummary(asAt);
  if (stored) summary.addPerson(person.id, stored.courses);
  return { people: [person], courses: c, requirements: r, summary };
}

const setupSchema = z
  .object({
    courses: z
      .array(
        z
          .object({
            code: z
              .string()
              .trim()
              .regex(/^[A-Za-z0-9-]{1,30}$/),
            name: z.string().trim().min(1).max(200),
            validityMonths: z.number().int().min(1).max(120).default(36),
          })
          .strict(),
      )
      .max(200)
      .optional(),
    requirements: z
      .array(
        z
          .object({
            course: z.string().trim().min(1),
            jobTitles: z.array(z.string().trim().min(1)).min(1),
            departments: z.array(z.string().trim().min(1)).optional(),
          })
          .strict(),
      )
      .max(2000)
      .optional(),
  })
  .strict();

/**
 * Sets courses (added or updated by code) and replaces the role requirements from a JSON file:
 * `{ "courses": [{ "code", "name", "validityMonths" }], "requirements": [{ "course", "jobTitles", "departments" }] }`.
 */
export async function setUpTraining(store: Store, orgId: string, input: unknown): Promise<{ courses: number; requirements: number }> {
  const parsed = setupSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError('VALIDATION', `The training set-up is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  // The default catalogue is stored first, so the file adds to it rather than replacing it.
  if ((await new TrainingRepository(store).courses(orgId)).length === 0) for (const c of defaultCourses(orgId)) await training(store).save(c);
  for (const c of parsed.data.courses ?? [])
    await training(store).save({ id: courseId(c.code), orgId, kind: 'course', code: c.code.toUpperCase(), name: c.name, validityMonths: c.validityMonths });
  const catalogue = await courses(store, orgId);
  if (parsed.data.requirements) {
    const unknown = parsed.data.requirements.filter((r) => !catalogue.some((c) => c.code === r.course.toUpperCase()));
    if (unknown.length) throw new AppError('VALIDATION', `Unknown course codes in requirements: ${unknown.map((u) => u.course).join(', ')}`);
    for (const old of await requirements(store, orgId)) await training(store).remove(orgId, old.id);
    for (const [i, r] of parsed.data.requirements.entries()) {
      await training(store).save({
        id: `req-${i}`,
        orgId,
        kind: 'requirement',
        courseCode: r.course.toUpperCase(),
        jobTitles: r.jobTitles,
        ...(r.departments ? { departments: r.departments } : {}),
      });
    }
  }
  return { courses: catalogue.length, requirements: (await requirements(store, orgId)).length };
}
