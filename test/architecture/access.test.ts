import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../services/core/paths';
import { ROLES } from '../../services/people/model';

/**
 * Transports decide nothing by role: the bot and the tab call use cases, which ask the access
 * policy (services/access/policy.ts). A role check here would be a second copy of a rule.
 */
const TRANSPORTS = ['bot', 'tab/server', 'tab/app'];

const ROLE_NAME = `['"\`](?:${ROLES.join('|')})['"\`]`;
const FORBIDDEN_PATTERNS: [string, RegExp][] = [
  ['hasRole', /\bhasRole\b/],
  ['a look inside roles', /\broles\s*(?:\?\.|\.)\s*(?:includes|some|every|indexOf|find|findIndex|filter|has)\s*\(/],
  ['a role compared', /\brole\s*[!=]==?/],
  ['a role name compared', new RegExp(`[!=]==?\\s*${ROLE_NAME}|${ROLE_NAME}\\s*[!=]==?`)],
];

function roleChecksIn(source: string): string[] {
  return source.split('\n').flatMap((line, i) => FORBIDDEN_PATTERNS.filter(([, re]) => re.test(line)).map(([what]) => `${i + 1}: ${what}: ${line.trim()}`));
}

async function sourcesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(projectRoot(), dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && /\.tsx?$/.test(e.name)).map((e) => path.relative(projectRoot(), path.join(e.parentPath ?? e.path, e.name)));
}

describe('permissions live in the access policy', () => {
  it('the scan recognises the role checks it forbids', () => {
    expect(roleChecksIn("if (!hasRole(ctx.actor, 'hr')) throw x;")).not.toEqual([]);
    expect(roleChecksIn("const named = me.roles.includes('hr');")).not.toEqual([]);
    expect(roleChecksIn('const ok = actor.roles?.some((r) => r === x);')).not.toEqual([]);
    expect(roleChecksIn("if (role === 'admin') go();")).not.toEqual([]);
    expect(roleChecksIn("if (ctx.actor.roles[0] !== 'safeguarding-lead') stop();")).not.toEqual([]);
    expect(roleChecksIn("const who = { roles: ['admin'] }; const may = mayStartRound(actor);")).toEqual([]);
  });

  it.each(TRANSPORTS)('no role check in %s/', async (dir) => {
    const files = await sourcesUnder(dir);
    expect(files.length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const file of files) for (const hit of roleChecksIn(await readFile(path.join(projectRoot(), file), 'utf8'))) found.push(`${file}:${hit}`);
    expect(found).toEqual([]);
  });
});
