import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';

/**
 * Starts a compiled bench helper (`dist/test/bench/<name>.js`) in its own process and waits for
 * the one JSON line it prints when ready. Benches keep the store, the app and the load generator
 * in separate processes, as they are in production, so none steals the others' event loop.
 */
export async function startProcess<T>(
  name: string,
  args: string[] = [],
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<{ ready: T; child: ChildProcess; lines: readline.Interface; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE === name ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--disable-warning=DEP0111',
      ...nodeArgs,
      `${__dirname}/${name}.js`,
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      // Secrets such as the store's key go in the environment, not on a command line others can list.
      env: { ...process.env, ...env },
    },
  );
  // Never leave a helper behind, even when the bench fails.
  process.once('exit', () => child.kill('SIGKILL'));
  const lines = readline.createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`${name} exited before it was ready`);
    }),
  ])) as [string];
  return {
    ready: JSON.parse(line) as T,
    child,
    /** Anything else the helper prints, one line at a time. */
    lines,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
