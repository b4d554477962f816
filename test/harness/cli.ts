import { main } from '../../bot/cli';

/** Runs the CLI in-process against a data folder, capturing what it prints. */
export async function cli(dataDir: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, { DATA_DIR: dataDir, COSMOS_DATABASE: 'test', LOG_LEVEL: 'silent', DEFAULT_ORG_ID: 'demo' });
  delete process.env.COSMOS_ENDPOINT;
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.env = saved;
  }
}
