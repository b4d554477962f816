import { idProblem, pointReadCharge, queryCharge, writeCharge } from '../../../services/store/azure-cost';
import { isIndexedPath } from '../../../services/store/azure-profile';
import { indexingPolicy } from '../../../services/store/containers';

const KB = 1024;

describe('the Azure profile’s cost model', () => {
  it('reads and writes cost what Microsoft’s table says at its rows, and in between', () => {
    expect(pointReadCharge(100)).toBe(1);
    expect(pointReadCharge(128 * KB)).toBe(9.95);
    expect(pointReadCharge(2048 * KB)).toBe(291.8);
    expect(writeCharge(1 * KB, 1 * KB)).toBe(4.95);
    expect(writeCharge(256 * KB, 256 * KB)).toBe(98.29);
    const between = writeCharge(192 * KB, 192 * KB);
    expect(between).toBeGreaterThan(48.19);
    expect(between).toBeLessThan(98.29);
  });

  it('a write with its bulk outside the index costs less, but never less than a 1 KB write', () => {
    expect(writeCharge(64 * KB, 0)).toBeLessThan(writeCharge(64 * KB, 64 * KB));
    expect(writeCharge(64 * KB, 0)).toBeGreaterThanOrEqual(4.95);
    expect(writeCharge(512, 0)).toBe(4.95);
  });

  it('a query costs by the documents it loads and their size', () => {
    expect(queryCharge(0, 0)).toBe(2.5);
    expect(queryCharge(100, 100 * KB)).toBeCloseTo(6, 0);
    // Microsoft's published scan: 60,951 documents, 400 MB, 4,059.95 RU.
    expect(queryCharge(60_951, 400 * 1024 * KB)).toBeGreaterThan(3_500);
    expect(queryCharge(60_951, 400 * 1024 * KB)).toBeLessThan(4_500);
  });

  it('refuses the ids Cosmos DB refuses', () => {
    for (const bad of ['a/b', 'a\\b', 'a?b', 'a#b', '', 'x'.repeat(1024), 'é'.repeat(512)]) expect(idProblem(bad)).toBeDefined();
    for (const good of ['digest-2026-01-01-p1', 'channel-19:abc@thread.tacv2', 'x'.repeat(1023)]) expect(idProblem(good)).toBeUndefined();
  });

  it('reads the containers’ indexing policies as Cosmos DB does: the most precise path decides', () => {
    const actions = indexingPolicy('actions');
    expect(isIndexedPath(actions, ['status'])).toBe(true);
    expect(isIndexedPath(actions, ['leadIds', '[]'])).toBe(true);
    expect(isIndexedPath(actions, ['description'])).toBe(false);
    expect(isIndexedPath(actions, ['history', '[]', 'progress'])).toBe(false);
    expect(isIndexedPath(actions, ['_etag'])).toBe(false);
    // "/description/?" is the scalar only; an object there would be indexed below it.
    const optOut = { includedPaths: [{ path: '/*' }], excludedPaths: [{ path: '/description/?' }] };
    expect(isIndexedPath(optOut, ['description'])).toBe(false);
    expect(isIndexedPath(optOut, ['description', 'part'])).toBe(true);
    const optIn = { includedPaths: [{ path: '/status/?' }], excludedPaths: [{ path: '/*' }] };
    expect(isIndexedPath(optIn, ['status'])).toBe(true);
    expect(isIndexedPath(optIn, ['description'])).toBe(false);
  });
});
