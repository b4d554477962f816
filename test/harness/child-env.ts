/**
 * The environment for a process a test starts: only what it is given, plus PATH and whatever sets
 * the clock (libfaketime's variables, in the suite's year-ahead run), for a child that must keep the
 * same time as the test: one that signs requests to a store the test started, whose signatures are
 * dated.
 */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const clock = Object.fromEntries(Object.entries(process.env).filter(([name]) => name === 'LD_PRELOAD' || name.startsWith('FAKETIME')));
  return { PATH: process.env.PATH, ...clock, ...vars };
}
