import { parse as parseYaml } from 'yaml';
import type { Clock } from '../core/clock';
import { AppError, type FieldIssue } from '../core/errors';
import type { Store } from '../store/ports';
import classic from './standards/classic.json';
import wt2023 from './standards/wt2023.json';
import { standardSetId, standardSetSchema, type StandardSet, type StandardSetDefinition } from './model';
import { Section11Store } from './repository';

/** Every problem of a standards file, each with where it is: the file is refused whole. */
export function validateStandardSet(input: unknown, fileName = 'The standards file'): StandardSetDefinition {
  const parsed = standardSetSchema.safeParse(input);
  // Repeated ids are looked for whatever else is wrong, so one reading of the refusal names everything.
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(file)', message: i.message }))),
    ...repeatedIds(input),
  ];
  if (parsed.success && issues.length === 0) return parsed.data;
  const problems = issues.map((i) => `${i.field}: ${i.message}`);
  throw new AppError(
    'VALIDATION',
    `${fileName} is refused, nothing was added. ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
    { fields: issues },
  );
}

function repeatedIds(input: unknown): FieldIssue[] {
  const standards = (input as { standards?: unknown } | null)?.standards;
  if (!Array.isArray(standards)) return [];
  const seen = new Set<unknown>();
  return standards.flatMap((s, i) => {
    const id = (s as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return [];
    const repeated = seen.has(id);
    seen.add(id);
    return repeated ? [{ field: `standards.${i}.id`, message: `repeats the id "${id.slice(0, 40)}"` }] : [];
  });
}

/** Checked once, at load: the built-in sets are data, and a broken one fails every test. */
const BUILT_IN = [classic, wt2023].map((d) => validateStandardSet(d, 'A built-in standards set'));
const builtIn = (orgId: string): StandardSet[] =>
  BUILT_IN.map((d) => ({ ...d, id: standardSetId(d.key, d.version), orgId, kind: 's11-standards', builtIn: true, addedAt: '' }));

/** Reads a standards file: JSON, or YAML, which people find easier to write. */
export function readStandardsFile(text: string, fileName: string): unknown {
  const yaml = /\.ya?ml$/i.test(fileName);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new AppError('VALIDATION', `${fileName} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** The built-in sets and the partnership's own, every version. */
export async function standardSets(store: Store, orgId: string): Promise<StandardSet[]> {
  const added = await new Section11Store(store).addedStandardSets(orgId);
  return [...builtIn(orgId), ...added].sort((a, b) => a.key.localeCompare(b.key) || a.version - b.version);
}

/** A set by key: the given version, or the latest. */
export async function findStandardSet(store: Store, orgId: string, key: string, version?: number): Promise<StandardSet> {
  const found = (await standardSets(store, orgId)).filter((s) => s.key === key && (version === undefined || s.version === version)).at(-1);
  if (!found)
    throw new AppError('NOT_FOUND', `There is no standards set "${key.slice(0, 40)}"${version ? ` version ${version}` : ''}. "s11 standards list" shows them.`);
  return found;
}

/** Adds a partnership's own set. A version once added never changes: returns answered it. */
export async function addStandardSet(store: Store, clock: Clock, orgId: string, input: unknown, fileName?: string): Promise<StandardSet> {
  const definition = validateStandardSet(input, fileName);
  if (builtIn(orgId).some((s) => s.key === definition.key))
    throw new AppError('VALIDATION', `"${definition.key}" is a built-in standards set; give yours another key.`);
  const set: StandardSet = {
    ...definition,
    id: standardSetId(definition.key, definition.version),
    orgId,
    kind: 's11-standards',
    builtIn: false,
    addedAt: clock.now().toISOString(),
  };
  return new Section11Store(store).addStandardSet(set);
}
