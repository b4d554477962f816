import fc from 'fast-check';

/**
 * Property tests run with one fixed seed, so a red build is reproducible and never depends on luck.
 * `FUZZ_SEED=random` (used by `npm run fuzz`) explores new inputs each run; a failure prints the
 * seed, and `FUZZ_SEED=<seed>` replays it.
 */
const seed = process.env.FUZZ_SEED;
const runsFactor = Number(process.env.FUZZ_RUNS_FACTOR ?? '1');
fc.configureGlobal({
  ...(seed === 'random' ? {} : { seed: seed === undefined ? 20261129 : Number(seed) }),
});
/** How many cases a property test tries: its usual number, times `FUZZ_RUNS_FACTOR` when exploring. */
export function runs(usual: number): number {
  return Math.max(1, Math.round(usual * (Number.isFinite(runsFactor) && runsFactor > 0 ? runsFactor : 1)));
}
