import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../services/core/paths';
import { sourceFiles } from './layers';

// Where shipped code lives; tests may query the store directly to check what was stored.
const SCANNED = ['bot', 'services', 'tab/server'];

/** Each area's `repository.ts` owns its container's queries; the store adapters speak SQL by nature. */
function mayQuery(file: string): boolean {
  return path.basename(file) === 'repository.ts' || file.startsWith('services/store/');
}

/**
 * Who may open a container (`store.collection`): a repository, which owns its container's writes as
 * well as its reads (`repository.ts` or `<name>-repository.ts`); the store, whose snapshot, restore
 * and `restore --replace` copy or clear every container whole; and the migrations runner, which
 * reads and rewrites documents in the shapes of older versions across every organisation, shapes
 * the repositories (typed to today's records, one organisation at a time) deliberately do not model.
 */
function mayOpenCollections(file: string): boolean {
  return /(^|[/-])repository\.ts$/.test(file) || file.startsWith('services/store/') || file.startsWith('services/migrations/');
}

/** Cosmos SQL in a string or template literal, and `.query(` / `.queryPage(` calls, with their line. */
export function dataAccessIn(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const where = (node: ts.Node) => `${fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) && /\bselect\s/i.test(node.text)) {
      found.push(`${where(node)} SQL`);
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['query', 'queryPage', 'collection'].includes(node.expression.name.text)
    ) {
      found.push(`${where(node)} .${node.expression.name.text}(`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('data access lives in repositories', () => {
  it('recognises SQL and collection queries, and not the word "select" in a comment', () => {
    const sample = [
      '// select the ongoing actions',
      "const a = store.collection('actions').query({ query: 'SELECT * FROM c', parameters: [] });",
      'const b = `select c.id FROM c WHERE ${x}`;',
      'const c = outbox.queryPage(spec, { pageSize: 5 });',
      "const d = 'Choose a course';",
    ].join('\n');
    expect(dataAccessIn('sample.ts', sample)).toEqual([
      'sample.ts:2 .query(',
      'sample.ts:2 .collection(',
      'sample.ts:2 SQL',
      'sample.ts:3 SQL',
      'sample.ts:4 .queryPage(',
    ]);
  });

  it('has no Cosmos SQL and no collection query outside repository modules and the store', async () => {
    const files = (await Promise.all(SCANNED.map(sourceFiles))).flat();
    expect(files.length).toBeGreaterThan(50); // the walk really reached the code
    const offending: string[] = [];
    for (const file of files.filter((f) => !mayQuery(f))) {
      offending.push(...dataAccessIn(file, await readFile(path.join(projectRoot(), file), 'utf8')).filter((f) => !f.endsWith(' .collection(')));
    }
    expect(offending).toEqual([]);
  });

  it('opens containers (store.collection) only in repositories, the store and the migrations runner', async () => {
    // The scan can see a call: a feature file that opened a container would be named.
    expect(dataAccessIn('services/plan/reminders.ts', "const actions = store.collection('actions');")).toEqual(['services/plan/reminders.ts:1 .collection(']);
    const files = (await Promise.all(SCANNED.map(sourceFiles))).flat();
    expect(files.filter(mayOpenCollections).length).toBeGreaterThan(10); // the repositories were reached
    const opening: string[] = [];
    for (const file of files.filter((f) => !mayOpenCollections(f))) {
      opening.push(...dataAccessIn(file, await readFile(path.join(projectRoot(), file), 'utf8')).filter((f) => f.endsWith(' .collection(')));
    }
    expect(opening).toEqual([]);
  });
});
