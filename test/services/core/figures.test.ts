import { derives, smallDerivableSet, smallGroups } from '../../../services/core/figures';

const sizes = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('which groups a breakdown hides so that no few people can be picked out', () => {
  it('hides nothing when every group has at least five', () => {
    expect(smallGroups(sizes({ Council: 40, Police: 12, Health: 5 }), 5)).toEqual(new Set());
  });

  it('a group of three is hidden with the next smallest, or the total less the others would give it away', () => {
    expect(smallGroups(sizes({ Council: 40, Police: 12, School: 3, Health: 7 }), 5)).toEqual(new Set(['School', 'Health']));
  });

  it('two groups of one and two are hidden with the next smallest: together they would still be three people', () => {
    expect(smallGroups(sizes({ Council: 40, Police: 12, School: 1, Charity: 2, Health: 7 }), 5)).toEqual(new Set(['School', 'Charity', 'Health']));
  });

  it('small groups that together make five need no other group hidden', () => {
    expect(smallGroups(sizes({ Council: 40, School: 2, Charity: 3 }), 5)).toEqual(new Set(['School', 'Charity']));
  });

  it('a group nobody answered from still takes the next smallest with it', () => {
    expect(smallGroups(sizes({ Council: 40, Police: 12, School: 0 }), 5)).toEqual(new Set(['School', 'Police']));
  });
});

describe('which few people sums and differences of the groups shown would single out', () => {
  // Cells are people alike in every grouping; a group shown is a list of cells. The whole is always known.
  it('departments and roles crossed, with every crossing answered: no single crossing can be worked out', () => {
    // Cells: Children × Social Worker (3), Children × Manager (4), Housing × Social Worker (2), Housing × Manager (6).
    const cells = [3, 4, 2, 6];
    expect(
      smallDerivableSet(
        cells,
        [
          [0, 1],
          [2, 3],
          [0, 2],
          [1, 3],
        ],
        5,
      ),
    ).toBeUndefined();
  });

  it('a crossing nobody answered lets its neighbours be worked out: the whole less the managers is Children’s three social workers', () => {
    // No Housing social worker answered: cells Children × Social Worker (3), Children × Manager (4), Housing × Manager (6).
    expect(smallDerivableSet([3, 4, 6], [[0, 1], [2], [1, 2]], 5)).toEqual([0]);
  });

  it('finds a set of two cells, 1 and 2 people, that only appears as a difference along a chain', () => {
    // Agency A = cells 0+1, department D = cells 1+2+3, department E = cell 0, group F = cells 2+3.
    const cells = [6, 1, 2, 8];
    expect(smallDerivableSet(cells, [[0, 1], [1, 2, 3], [0]], 5)).toEqual([1]);
    expect(smallDerivableSet(cells, [[1, 2, 3], [3]], 5)).toEqual([1, 2]);
    expect(derives(cells.length, [[1, 2, 3], [3]], [1, 2])).toBe(true);
    expect(derives(cells.length, [[1, 2, 3]], [1])).toBe(false);
  });

  it('the whole less the groups shown counts too', () => {
    expect(smallDerivableSet([10, 3, 12], [[0], [2]], 5)).toEqual([1]);
    expect(smallDerivableSet([10, 3, 12], [[0]], 5)).toBeUndefined();
  });
});
