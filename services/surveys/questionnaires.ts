import { parse as parseYaml } from 'yaml';
import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import type { Store } from '../store/ports';
import { kindNamed, QUESTIONNAIRE_KINDS, STAFF_KIND } from './kinds';
import { SurveyRepository, surveys } from './repository';
import { questionnaireId, questionnaireSchema, type Questionnaire, type QuestionnaireDefinition } from './model';

/**
 * Every kind's built-in questionnaires, each marked with its kind (the staff questionnaire's carry
 * none, as before kinds). Checked once, at load: a built-in questionnaire that broke its own schema
 * would fail every test, and two with one key would hide one of them.
 */
const BUILT_IN = QUESTIONNAIRE_KINDS.flatMap((kind) =>
  kind.builtIn.map((d) => questionnaireSchema.parse(kind.name === STAFF_KIND ? d : { ...d, questionnaireKind: kind.name })),
);
for (const [i, d] of BUILT_IN.entries())
  if (BUILT_IN.findIndex((x) => x.key === d.key) !== i) throw new Error(`Two built-in questionnaires have the key "${d.key}".`);
const builtIn = (orgId: string): Questionnaire[] =>
  BUILT_IN.map((d) => ({ ...d, id: questionnaireId(d.key, d.version), orgId, kind: 'questionnaire', builtIn: true, addedAt: '' }));

/** Every questionnaire an organisation can send: the built-in ones and any it added, each version. */
export async function questionnaires(store: Store, orgId: string): Promise<Questionnaire[]> {
  const added = await new SurveyRepository(store).addedQuestionnaires(orgId);
  return [...builtIn(orgId), ...added].sort((a, b) => a.key.localeCompare(b.key) || a.version - b.version);
}

/** A questionnaire by key: the given version, or the latest. */
export async function findQuestionnaire(store: Store, orgId: string, key: string, version?: number): Promise<Questionnaire> {
  // A campaign names its exact version: a point read (or no read for a built-in), never a query.
  if (version !== undefined) {
    const found =
      builtIn(orgId).find((q) => q.key === key && q.version === version) ??
      (/^[a-z0-9-]{1,40}$/.test(key) ? await surveys<Questionnaire>(store).read(orgId, questionnaireId(key, version)) : undefined);
    if (found?.kind === 'questionnaire') return found;
  }
  const candidates = (await questionnaires(store, orgId)).filter((q) => q.key === key && (version === undefined || q.version === version));
  const found = candidates.at(-1);
  if (!found)
    throw new AppError('NOT_FOUND', `There is no questionnaire "${key}"${version ? ` version ${version}` : ''}. "survey list" shows the ones there are.`);
  return found;
}

/** Reads a questionnaire file: JSON, or YAML for people who find it easier to write. */
export function readQuestionnaireFile(text: string, fileName: string): unknown {
  try {
    return /\.ya?ml$/i.test(fileName) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new AppError('VALIDATION', `${fileName} is not valid ${/\.ya?ml$/i.test(fileName) ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * Adds an organisation's own questionnaire. A version, once added, is never changed: answers
 * already given keep the questions they answered, so a change is a new version.
 */
export async function addQuestionnaire(store: Store, clock: Clock, orgId: string, input: unknown): Promise<Questionnaire> {
  const parsed = questionnaireSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError(
      'VALIDATION',
      `The questionnaire is not valid: ${parsed.error.issues
        .slice(0, 8)
        .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const definition: QuestionnaireDefinition = parsed.data;
  // A kind this version does not know would leave its campaigns unanswerable: refused now, with the kinds there are.
  kindNamed(definition.questionnaireKind);
  if (builtIn(orgId).some((q) => q.key === definition.key))
    throw new AppError('VALIDATION', `"${definition.key}" is a built-in questionnaire; give yours another key.`);
  const doc: Questionnaire = {
    ...definition,
    id: questionnaireId(definition.key, definition.version),
    orgId,
    kind: 'questionnaire',
    builtIn: false,
    addedAt: clock.now().toISOString(),
  };
  try {
    return await surveys<Questionnaire>(store).create(doc);
  } catch (e) {
    if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
    throw new AppError(
      'ALREADY_EXISTS',
      `Version ${definition.version} of "${definition.key}" exists already; a changed questionnaire needs a new version number.`,
    );
  }
}
