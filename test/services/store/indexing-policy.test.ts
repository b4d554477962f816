import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../../services/core/paths';
import { isIndexedPath, RequestMeter } from '../../../services/store/azure-profile';
import { CONTAINER_NAMES, containerDefinition, indexingPolicy, type ContainerName } from '../../../services/store/containers';
import type { Doc } from '../../../services/store/ports';
import { toArray } from '../../../services/store/ports';
import { openTestStore } from '../../harness/store';

/**
 * Opt-in indexing (services/store/containers.ts) indexes only the paths the repositories query.
 * A query filtering on a path left out still answers on Cosmos DB, but by loading every document of
 * the organisation: so every path a repository query filters on must be indexed in its container.
 */

/** The SQL text in a file: every string literal and template part (fragments such as " AND c.x = @x" included). */
function sqlPieces(text: string): string[] {
  const source = ts.createSourceFile('repository.ts', text, ts.ScriptTarget.Latest, true);
  const pieces: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) && /\bc\.\w/.test(node.text))
      pieces.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return pieces;
}

/**
 * The document paths a piece of SQL filters on, as segments ("[]" for an array's elements): every
 * `c.a.b` outside the projection (`SELECT … FROM c`, which reads but never looks anything up).
 */
export function filteredPaths(sql: string): string[][] {
  const filters = sql.replace(/\bSELECT\s[\s\S]*?\bFROM\s+c\b/gi, ' ');
  const paths: string[][] = [];
  for (const m of filters.matchAll(/(ARRAY_CONTAINS|ARRAY_LENGTH)?\s*\(?\s*\bc((?:\.\w+)+)/gi)) {
    const segments = m[2]!.split('.').filter(Boolean);
    paths.push(m[1] ? [...segments, '[]'] : segments);
  }
  return paths;
}

/** Containers a repository reads through `collection<…>('name')`. */
function containersIn(text: string): ContainerName[] {
  return [...text.matchAll(/collection(?:<[^>]*>)?\('(\w+)'\)/g)].map((m) => m[1] as ContainerName);
}

async function repositories(): Promise<string[]> {
  const services = path.join(projectRoot(), 'services');
  const areas = await readdir(services, { withFileTypes: true });
  const files: string[] = [];
  for (const area of areas.filter((a) => a.isDirectory())) {
    const entries = await readdir(path.join(services, area.name));
    for (const e of entries.filter((n) => n.endsWith('repository.ts'))) files.push(path.join(services, area.name, e));
  }
  return files;
}

describe('opt-in indexing: each container indexes what its repository queries filter on, and nothing else', () => {
  it('finds filter paths in SQL, leaving out the projection', () => {
    expect(filteredPaths('SELECT c.id, c.status FROM c WHERE c.orgId = @orgId AND ARRAY_CONTAINS(c.leadIds, @p) AND c.recipient.personId = @q')).toEqual([
      ['orgId'],
      ['leadIds', '[]'],
      ['recipient', 'personId'],
    ]);
    expect(filteredPaths(' AND NOT IS_DEFINED(c.review) AND STARTSWITH(c.id, @prefix)')).toEqual([['review'], ['id']]);
    expect(filteredPaths('SELECT c.personId, c.agency, c.courses FROM c')).toEqual([]);
  });

  it('every path any repository query filters on is indexed in a container that repository reads', async () => {
    const unindexed: string[] = [];
    let checked = 0;
    const files = await repositories();
    expect(files.length).toBeGreaterThanOrEqual(10); // the walk reached the repositories
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const containers = containersIn(text);
      expect(containers.length).toBeGreaterThan(0);
      for (const sql of sqlPieces(text)) {
        for (const p of filteredPaths(sql)) {
          checked++;
          if (!containers.some((c) => isIndexedPath(indexingPolicy(c), p)))
            unindexed.push(`${path.relative(projectRoot(), file)}: /${p.join('/')} (in ${containers.join(', ')})`);
        }
      }
    }
    expect(checked).toBeGreaterThan(80);
    expect(unindexed).toEqual([]);
  });

  it('would catch a query on a path left out: descriptions and card bodies are not indexed', () => {
    expect(isIndexedPath(indexingPolicy('actions'), ['description'])).toBe(false);
    expect(isIndexedPath(indexingPolicy('actions'), ['history', '[]', 'text'])).toBe(false);
    expect(isIndexedPath(indexingPolicy('outbox'), ['message', 'card', 'body'])).toBe(false);
    expect(isIndexedPath(indexingPolicy('surveys'), ['sealed'])).toBe(false);
    expect(isIndexedPath(indexingPolicy('actions'), ['leadIds', '[]'])).toBe(true);
  });

  it('each policy is opt-in: everything excluded but the listed scalar paths', () => {
    for (const name of CONTAINER_NAMES) {
      const policy = containerDefinition(name).indexingPolicy;
      expect(policy.excludedPaths).toContainEqual({ path: '/*' });
      expect(policy.includedPaths.every((p) => p.path.endsWith('/?'))).toBe(true);
      expect(policy.includedPaths).toContainEqual({ path: '/orgId/?' });
    }
  });

  it('on the Azure profile, a query by an indexed path loads only what it returns; by a path left out, every document', async () => {
    const meter = new RequestMeter();
    const store = await openTestStore({ meter });
    try {
      type A = Doc & { leadIds: string[]; open: boolean; description: string };
      const actions = store.collection<A>('actions');
      await actions.bulk(
        Array.from({ length: 400 }, (_, i) => ({
          kind: 'create' as const,
          doc: { id: `a${i}`, orgId: 'org', leadIds: [`p${i % 100}`], open: true, description: `text ${i}` },
        })),
      );
      const byLead = await meter.measure(() =>
        toArray(
          actions.query({
            query: 'SELECT * FROM c WHERE c.orgId = @orgId AND ARRAY_CONTAINS(c.leadIds, @p)',
            parameters: [
              { name: '@orgId', value: 'org' },
              { name: '@p', value: 'p7' },
            ],
          }),
        ),
      );
      const byText = await meter.measure(() =>
        toArray(
          actions.query({
            query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.description = @d',
            parameters: [
              { name: '@orgId', value: 'org' },
              { name: '@d', value: 'text 7' },
            ],
          }),
        ),
      );
      expect(byLead.result).toHaveLength(4);
      expect(byText.result).toHaveLength(1);
      // 400 documents loaded cost about 12 RU more than 4 (0.03 RU each, services/store/azure-cost.ts).
      expect(byText.ru - byLead.ru).toBeGreaterThan(10);
    } finally {
      await store.close();
    }
  });
});
