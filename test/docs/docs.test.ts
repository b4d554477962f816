import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { allCommands } from '../../bot/cli/index';
import { JOBS } from '../../bot/jobs';
import { PUBLISHER_SETTINGS } from '../../manifest/package';
import { SETTING_NAMES } from '../../services/core/config';
import { projectRoot } from '../../services/core/paths';

/**
 * The README is the front page: what the app is, the quick start and links. Everything else lives
 * in docs/, and these tests keep the two true to each other and to the code.
 */
const root = projectRoot();
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function markdownFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(relative);
    return entry.name.endsWith('.md') ? [relative] : [];
  });
}
const DOCUMENTS = ['README.md', ...markdownFiles('docs')];

/** Markdown links `[text](target)` outside code, with the target as written. */
function linksIn(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}
function anchorsIn(markdown: string): Set<string> {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

describe('the documentation', () => {
  it('keeps the README to a front page: at most 200 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(200);
  });

  it('keeps the quick start’s two commands: one runs the bot on the embedded store, one runs the tests', () => {
    const readme = read('README.md');
    expect(readme).toMatch(/^npm ci && npm start {5}# builds, starts the bot on http:\/\/127\.0\.0\.1:3978 with the demo plan and training loaded$/m);
    expect(readme).toMatch(/^npm ci && npm test {6}# type-checks, then runs every test$/m);
  });

  it.each(DOCUMENTS)('%s links only to files that exist, and to headings they have', (document) => {
    const broken: string[] = [];
    for (const link of linksIn(read(document))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: and the like are not ours to check
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const file = target === '' ? document : path.join(path.dirname(document), decodeURIComponent(target));
      if (!existsSync(path.join(root, file))) broken.push(`${link} (no ${file})`);
      else if (anchor && file.endsWith('.md') && !anchorsIn(read(file)).has(anchor)) broken.push(`${link} (no heading #${anchor} in ${file})`);
    }
    expect(broken).toEqual([]);
  });

  it('finds the link checker able to fail: a missing file and a missing heading are both caught', () => {
    expect(linksIn('See [x](docs/NOPE.md) and [y](#nowhere), not `[z](in-code.md)`.')).toEqual(['docs/NOPE.md', '#nowhere']);
    expect(anchorsIn('## Who someone is, and where the bot answers\n## Storage: Azure Cosmos DB or the embedded default')).toEqual(
      new Set(['who-someone-is-and-where-the-bot-answers', 'storage-azure-cosmos-db-or-the-embedded-default']),
    );
  });

  it('documents every command of the command line in docs/CLI.md', async () => {
    const cli = read('docs/CLI.md');
    const names = Object.keys(await allCommands());
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !cli.includes(`tracker ${name}`))).toEqual([]);
    expect(cli).toContain('tracker help');
  });

  it('lists every scheduled job in docs/OPERATIONS.md with the schedule and days the code gives it', () => {
    const operations = read('docs/OPERATIONS.md');
    const rows = new Map(
      [...operations.matchAll(/^\| `([a-z0-9-]+)` \| `([^`]+)` \| (working days|every day) \|/gm)].map((m) => [m[1]!, { cron: m[2]!, days: m[3]! }]),
    );
    const inCode = new Map(Object.entries(JOBS).map(([name, job]) => [name, { cron: job.cron, days: job.workingDaysOnly ? 'working days' : 'every day' }]));
    expect(inCode.size).toBeGreaterThan(8);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(inCode));
  });

  it('has env.sample name every setting the app and the package read, and nothing they do not', () => {
    const sample = read('env.sample');
    const inSample = new Set([...sample.matchAll(/^#? ?([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!));
    const read_ = [...SETTING_NAMES, ...PUBLISHER_SETTINGS];
    expect(read_.filter((name) => !inSample.has(name))).toEqual([]);
    expect([...inSample].filter((name) => !(read_ as string[]).includes(name))).toEqual([]);
    // docs/CONFIGURATION.md explains the settings and points at env.sample for each one.
    expect(read('docs/CONFIGURATION.md')).toContain('[`env.sample`](../env.sample)');
  });
});
