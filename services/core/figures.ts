/** Groups smaller than this are never shown in breakdowns, nor kept on anonymous answers; no anonymous figure is shown under it. */
export const MIN_GROUP = 5;
/** Written answers of an anonymous campaign are shown from this many responses (before, only how many there are). */
export const MIN_FOR_WRITTEN = 10;

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

/**
 * Whether adding and subtracting the sizes (and so the figures) of the groups shown, and of the
 * whole, can single out fewer than `min` people. People alike in every grouping form a cell
 * (`cells` holds each cell's size); each group shown is a set of cells. A union of cells can be
 * worked out exactly when its indicator lies in the span of the groups' indicators, which is
 * tested over the rationals (exact integer arithmetic). Returns the cells of one such union of
 * 1 to min−1 people, or undefined when there is none.
 */
export function smallDerivableSet(cells: readonly number[], groups: readonly (readonly number[])[], min: number): number[] | undefined {
  const small = cells.flatMap((n, c) => (n > 0 && n < min ? [c] : []));
  if (small.length === 0) return undefined;
  const signature = cellSignatures(cells.length, [cells.map(() => 1), ...groups.map((g) => indicator(cells.length, g))]);
  // A union of at most min−1 cells (each has someone in it) is two halves of at most ⌈(min−1)/2⌉ cells each: meet in the middle.
  const halves: { cells: number[]; people: number; sum: bigint[] }[] = [];
  const grow = (from: number, taken: number[], people: number, sum: bigint[]) => {
    if (taken.length > 0) halves.push({ cells: taken, people, sum });
    if (taken.length === Math.ceil((min - 1) / 2)) return;
    for (let i = from; i < small.length; i++) {
      const c = small[i]!;
      if (people + cells[c]! < min)
        grow(
          i + 1,
          [...taken, c],
          people + cells[c]!,
          sum.map((v, k) => v + signature[c]![k]!),
        );
    }
  };
  grow(
    0,
    [],
    0,
    signature[0]!.map(() => 0n),
  );
  const key = (sum: bigint[]) => sum.join(',');
  const byKey = new Map<string, (typeof halves)[number][]>();
  for (const h of halves) byKey.set(key(h.sum), [...(byKey.get(key(h.sum)) ?? []), h]);
  for (const h of halves) {
    if (h.sum.every((v) => v === 0n)) return h.cells;
    for (const other of byKey.get(key(h.sum.map((v) => -v))) ?? []) {
      if (h.people + other.people < min && !other.cells.some((c) => h.cells.includes(c))) return [...h.cells, ...other.cells];
    }
  }
  return undefined;
}

/** Whether adding and subtracting the groups (each a set of cells) and the whole gives exactly the cells `set`. */
export function derives(width: number, groups: readonly (readonly number[])[], set: readonly number[]): boolean {
  const signature = cellSignatures(width, [new Array<number>(width).fill(1), ...groups.map((g) => indicator(width, g))]);
  return set
    .reduce(
      (sum, c) => sum.map((v, k) => v + signature[c]![k]!),
      signature[0]!.map(() => 0n),
    )
    .every((v) => v === 0n);
}

function indicator(size: number, members: readonly number[]): number[] {
  const row = new Array<number>(size).fill(0);
  for (const c of members) row[c] = 1;
  return row;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));

/**
 * For each cell, a vector such that a set of cells lies in the span of `rows` exactly when its
 * cells' vectors add up to zero: the cell's coordinates against the span's free columns after
 * reducing `rows` to reduced echelon form, all scaled to integers by one common factor.
 */
function cellSignatures(width: number, rows: number[][]): bigint[][] {
  const m = rows.map((r) => r.map(BigInt));
  const pivots: { col: number; at: number }[] = [];
  let next = 0;
  for (let col = 0; col < width && next < m.length; col++) {
    const at = m.findIndex((r, i) => i >= next && r[col] !== 0n);
    if (at < 0) continue;
    [m[next], m[at]] = [m[at]!, m[next]!];
    const p = m[next]!;
    for (let i = 0; i < m.length; i++) {
      if (i === next || m[i]![col] === 0n) continue;
      const f = m[i]![col]!;
      const reduced = m[i]!.map((v, k) => v * p[col]! - f * p[k]!);
      const g = reduced.reduce(gcd, 0n);
      m[i] = g > 1n ? reduced.map((v) => v / g) : reduced;
    }
    pivots.push({ col, at: next });
    next++;
  }
  // Read the rows at the end: reducing by a later pivot rescales the earlier pivot rows.
  const pivotOf = new Map(pivots.map((p) => [p.col, m[p.at]!]));
  const free = [...Array(width).keys()].filter((c) => !pivotOf.has(c));
  const lcm = [...pivotOf].reduce((l, [col, row]) => {
    const p = row[col]! < 0n ? -row[col]! : row[col]!;
    return (l / gcd(l, p)) * p;
  }, 1n);
  return [...Array(width).keys()].map((c) => {
    const row = pivotOf.get(c);
    return row ? free.map((f) => (-row[f]! * lcm) / row[c]!) : free.map((f) => (f === c ? lcm : 0n));
  });
}
