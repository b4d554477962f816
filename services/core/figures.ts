/** A percentage to one decimal place, as every report shows them; 0 of 0 is 0%. */
export const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 10);

/**
 * Which groups of a breakdown to hide: those of fewer than `min` people, and, when exactly one is
 * hidden, the next smallest too, so the hidden one cannot be worked out by subtracting the others
 * from the total. The one rule for every breakdown of people that must not give a few away.
 */
export function smallGroups(sizes: ReadonlyMap<string, number>, min: number): Set<string> {
  const hidden = new Set([...sizes].filter(([, n]) => n < min).map(([g]) => g));
  if (hidden.size === 1 && sizes.size > 1) {
    const [smallest] = [...sizes].filter(([g]) => !hidden.has(g)).sort(([, x], [, y]) => x - y);
    if (smallest) hidden.add(smallest[0]);
  }
  return hidden;
}
