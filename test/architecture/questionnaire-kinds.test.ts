import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../services/core/paths';
import { QUESTIONNAIRE_KINDS } from '../../services/surveys/kinds';
import { sourceFiles } from './layers';

/**
 * The recipe for a new kind of questionnaire (docs/ARCHITECTURE.md) counts the files the team check,
 * its proof, took. This keeps the count true: the files that name the team check are found in the
 * tree, so a host, a card or another feature that starts to know it, or a recipe heading left
 * behind, fails here.
 */
const RECIPE_HEADING = /^### A new kind of questionnaire \((\d+) files: (\d+) of code, its (\d+) tests and the user guide\)$/m;
/** What names the team check: its kind's name, its file, the kind itself, and its permission. */
const NAMES_IT = /team-check|teamCheck|mayAnswerForTeam/;
const SHIPPED = ['bot', 'services', 'cards', 'tab/server', 'tab/app', 'manifest'];
const THE_RECIPE = ['services/access/policy.ts', 'services/surveys/kinds.ts', 'services/surveys/kinds/team-check.ts'];
const THIS_TEST = 'test/architecture/questionnaire-kinds.test.ts';

const root = projectRoot();
const read = (file: string) => readFile(path.join(root, file), 'utf8');

async function naming(files: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) if (NAMES_IT.test(await read(file))) found.push(file);
  return found.sort();
}

async function markdownIn(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? markdownIn(path.posix.join(dir, e.name)) : Promise.resolve(e.name.endsWith('.md') ? [path.posix.join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

describe('a new kind of questionnaire takes the files its recipe says', () => {
  it('only the kind, the kinds list and the access policy of the shipped code name the team check', async () => {
    const shipped = (await Promise.all(SHIPPED.map((dir) => sourceFiles(dir)))).flat();
    expect(await naming(shipped)).toEqual(THE_RECIPE);
  });

  it('the recipe’s heading counts those files, its tests and the user guide', async () => {
    const heading = RECIPE_HEADING.exec(await read('docs/ARCHITECTURE.md'));
    expect(heading).not.toBeNull();
    const [, total, code, tests] = heading!.map(Number) as [number, number, number, number];
    const testFiles = (await naming(await sourceFiles('test'))).filter((f) => f !== THIS_TEST);
    const guides = (await naming(await markdownIn('docs'))).filter((f) => f !== 'docs/ARCHITECTURE.md');
    expect({ code, tests, guides }).toEqual({ code: THE_RECIPE.length, tests: testFiles.length, guides: ['docs/USER-GUIDE.md'] });
    expect(total).toBe(code + tests + guides.length);
  });

  it('every kind’s file in services/surveys/kinds/ is in the kinds list, and the list holds nothing else', async () => {
    const files = (await readdir(path.join(root, 'services/surveys/kinds'))).filter((f) => f.endsWith('.ts')).sort();
    const list = await read('services/surveys/kinds.ts');
    const imported = [...list.matchAll(/from '\.\/kinds\/([^']+)'/g)].map((m) => `${m[1]}.ts`).sort();
    expect(imported).toEqual(files);
    expect(QUESTIONNAIRE_KINDS.map((k) => k.name)).toEqual(['staff', 'team-check']);
  });
});
