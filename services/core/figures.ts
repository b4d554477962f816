/** A percentage to one decimal place, as every report shows them; 0 of 0 is 0%. */
export const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 10);

/**
 * Which groups of a breakdown to hide: those of fewer than `min` people, and then the next smallest
 * until the hidden ones together are at least `min`, since together they are the total less the
 * groups shown. The one rule for every breakdown of people that must not give a few away.
 */
export function smallGroups(sizes: ReadonlyMap<string, number>, min: number): Set<string> {
  const hidden = new Set([...sizes].filter(([, n]) => n < min).map(([g]) => g));
  let hiddenTotal = [...hidden].reduce((sum, g) => sum + sizes.get(g)!, 0);
  const shown = [...sizes].filter(([g]) => !hidden.has(g)).sort(([, x], [, y]) => x - y);
  for (const [group, n] of hidden.size ? shown : []) {
    if (hiddenTotal >= min) break;
    hidden.add(group);
    hiddenTotal += n;
  }
  return hidden;
}
