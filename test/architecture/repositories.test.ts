import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../services/core/paths';

// Where shipped code lives; tests may query the store directly to check what was stored.
const SCANNED = ['bot', 'services', 'tab/server'];

/** Each area's `repository.ts` owns its container's queries; the store adapters speak SQL by nature. */
function mayQuery(file: string): boolean {
  return path.basename(file) === 'repository.ts' || file.startsWith('services/store/');
}

async function sourceFiles(dir: string): Promise<string[]> {
  const root = projectRoot();
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
      return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
    }),
  );
  return nested.flat();
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
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ['query', 'queryPage'].includes(node.expression.name.text)) {
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
    expect(dataAccessIn('sample.ts', sample)).toEqual(['sample.ts:2 .query(', 'sample.ts:2 SQL', 'sample.ts:3 SQL', 'sample.ts:4 .queryPage(']);
  });

  it('has no Cosmos SQL and no collection query outside repository modules and the store', async () => {
    const files = (await Promise.all(SCANNED.map(sourceFiles))).flat();
    expect(files.length).toBeGreaterThan(50); // the walk really reached the code
    const offending: string[] = [];
    for (const file of files.filter((f) => !mayQuery(f))) {
      offending.push(...dataAccessIn(file, await readFile(path.join(projectRoot(), file), 'utf8')));
    }
    expect(offending).toEqual([]);
  });
});
