import { smallGroups } from '../../../services/core/figures';

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
