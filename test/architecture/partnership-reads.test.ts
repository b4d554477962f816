import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../services/core/paths';
import { sourceFiles } from './layers';

// Where shipped code lives.
const SCANNED = ['bot', 'services', 'tab/server'];

/** Where `partnershipOf` is defined: `partnershipFor` falls back to it when its caller holds no organisation. */
const DEFINED_IN = 'services/organisation/organisations.ts';

/**
 * The route, job and tab contexts read the organisation once for their turn, run or request, and it
 * is the partnership too: a use case given one takes it from there (`partnershipFor`). These are the
 * places that still read it themselves (`partnershipOf`), each with why. The list may only shrink: a
 * place moved onto a context is taken off, and a new one fails the test.
 */
const KNOWN_REREADS: Record<string, string> = {
  'services/kernel/cli-command.ts agencyOption': 'the command line has no organisation context: one read per command',
  'services/reviews/reviews.ts addReview':
    'the command line and the demo data add reviews, with no organisation context; read once and passed to resolveOwners',
  'services/retention/subject.ts requireMayHandle': 'subject access and erasure run from the command line only, with no organisation context',
  'services/reach/unreachable-digest.ts noticeUnreachableChannel':
    'the delivery sender tells of a lost channel; it drains every organisation’s outbox and holds no organisation, and a channel is lost rarely',
  'services/rounds/rounds.ts setUpRound':
    'round set-up runs in the round upkeep, after the answer and outside any turn (and from the command line): once per round',
};

/** The outermost named function a node sits in: a function, a method (by its name), or an arrow function bound to a name. */
function enclosingName(node: ts.Node): string {
  let name = '(top level)';
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if ((ts.isFunctionDeclaration(at) || ts.isMethodDeclaration(at)) && at.name) name = at.name.getText();
    if ((ts.isArrowFunction(at) || ts.isFunctionExpression(at)) && ts.isVariableDeclaration(at.parent)) name = at.parent.name.getText();
  }
  return name;
}

/**
 * Each call of the store-reading `partnershipOf` (the one imported from the organisation area, not a
 * local function of that name), as "<file> <enclosing function>"; a second call in one function
 * counts again, as "… (2)".
 */
export function partnershipReadsIn(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const imported = source.statements.some(
    (s) =>
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      /(^|\/)organisation\/organisations$/.test(s.moduleSpecifier.text) &&
      s.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(s.importClause.namedBindings) &&
      s.importClause.namedBindings.elements.some((e) => e.name.text === 'partnershipOf'),
  );
  if (!imported) return [];
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'partnershipOf') {
      const key = `${fileName} ${enclosingName(node)}`;
      const earlier = found.filter((f) => f === key || f.startsWith(`${key} (`)).length;
      found.push(earlier === 0 ? key : `${key} (${earlier + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the partnership is read once per turn, job run and tab request', () => {
  it('finds calls of the imported partnershipOf, by enclosing function, and not a local function of that name', () => {
    const sample = [
      "import { partnershipOf } from '../organisation/organisations';",
      'export async function roundStatus(store: Store, actor: Person) {',
      '  const a = await partnershipOf(store, actor.orgId);',
      '  return partnershipOf(store, actor.orgId);',
      '}',
      'export const notice = async (store: Store, orgId: string) => partnershipOf(store, orgId);',
      'async function labels(store: Store, actor: Person) {',
      '  const now = async () => partnershipOf(store, actor.orgId);',
      '}',
    ].join('\n');
    expect(partnershipReadsIn('sample.ts', sample)).toEqual(['sample.ts roundStatus', 'sample.ts roundStatus (2)', 'sample.ts notice', 'sample.ts labels']);
    const local = ['const partnershipOf = (o: Organisation) => ({ orgId: o.orgId });', 'partnershipOf(organisation);'].join('\n');
    expect(partnershipReadsIn('local.ts', local)).toEqual([]);
  });

  it('reads it again only in the places listed, each with why', async () => {
    const files = (await Promise.all(SCANNED.map(sourceFiles))).flat().filter((f) => f !== DEFINED_IN);
    expect(files.length).toBeGreaterThan(50); // the walk really reached the code
    const found: string[] = [];
    for (const file of files) found.push(...partnershipReadsIn(file, await readFile(path.join(projectRoot(), file), 'utf8')));
    expect(found.sort()).toEqual(Object.keys(KNOWN_REREADS).sort());
  });
});
