import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { containersJson, setupScript } from '../../bot/cli/cosmos';
import { PUBLISHER_SETTINGS, REQUIRED_SETTINGS } from '../../manifest/package';
import { DEPLOYMENT_SETTINGS, SETTING_NAMES } from '../../services/core/config';
import { projectRoot } from '../../services/core/paths';
import { CONTAINER_NAMES, containerDefinition } from '../../services/store/containers';

/**
 * The Bicep compiler is in neither registry this project installs from, so it never runs here:
 * these tests are the guard that the infrastructure stays true to the code.
 */
const root = projectRoot();
const read = (file: string) => readFile(path.join(root, file), 'utf8');

/** Names set in the Web App's appSettings array of infra/azure.bicep. */
function appSettingNames(bicep: string): string[] {
  const block = /appSettings: \[([\s\S]*?)\n\s*\]/.exec(bicep)?.[1] ?? '';
  return [...block.matchAll(/\{ name: '([^']+)', value: /g)].map((m) => m[1]!);
}

/** Settings App Service reads, not the app. */
const PLATFORM_SETTINGS = ['WEBSITE_RUN_FROM_PACKAGE', 'SCM_DO_BUILD_DURING_DEPLOYMENT'];

describe('infrastructure as code, generated from the code', () => {
  it('infra/containers.json is the code’s containers (run `npm run infra:containers` after changing services/store/containers.ts)', async () => {
    expect(await read('infra/containers.json')).toBe(containersJson());
  });

  it('every container the code declares is in the file, partitioned by /orgId, with its indexing policy', async () => {
    const file = JSON.parse(await read('infra/containers.json')) as { id: string; partitionKey: { paths: string[] }; indexingPolicy: unknown }[];
    expect(file.map((c) => c.id)).toEqual(CONTAINER_NAMES);
    for (const c of file) {
      expect(c.partitionKey.paths).toEqual(['/orgId']);
      expect(c.indexingPolicy).toEqual(containerDefinition(c.id as (typeof CONTAINER_NAMES)[number]).indexingPolicy);
    }
  });

  it('the Bicep creates its containers from that file, not from a list of its own', async () => {
    const bicep = await read('infra/azure.bicep');
    expect(bicep).toMatch(/var containers = loadJsonContent\('containers\.json'\)/);
    expect(bicep).toMatch(/for container in containers: \{/);
    for (const name of CONTAINER_NAMES) expect(bicep).not.toContain(`'${name}'`);
  });

  it('the Web App sets every setting a deployment needs, and nothing the app does not read', async () => {
    const names = appSettingNames(await read('infra/azure.bicep'));
    expect(names.length).toBeGreaterThan(10);
    expect(DEPLOYMENT_SETTINGS.filter((s) => !names.includes(s))).toEqual([]);
    const known = new Set<string>([...SETTING_NAMES, ...PLATFORM_SETTINGS]);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('secrets are Key Vault references, and keys are off everywhere', async () => {
    const bicep = await read('infra/azure.bicep');
    expect(bicep).toMatch(/\{ name: 'SURVEY_SEAL_KEY', value: '@Microsoft\.KeyVault\(/);
    expect(bicep).not.toMatch(/name: 'MicrosoftAppPassword'/);
    expect(bicep).not.toMatch(/name: 'COSMOS_KEY'/);
    expect(bicep).toMatch(/disableLocalAuth: true/);
    expect(bicep).toMatch(/\{ name: 'MicrosoftAppType', value: 'UserAssignedMSI' \}/);
    expect(bicep).toMatch(/healthCheckPath: '\/readyz'/);
    expect(bicep).toMatch(/httpsOnly: true/);
    expect(bicep).toMatch(/ftpsState: 'Disabled'/);
    expect(bicep).toMatch(/alwaysOn: true/);
  });

  it('the parameters file fills every parameter without a default, and names none the template lacks', async () => {
    const bicep = await read('infra/azure.bicep');
    const params = [...bicep.matchAll(/^param (\w+) \w+( = .*)?$/gm)].map((m) => ({ name: m[1]!, hasDefault: m[2] !== undefined }));
    const file = JSON.parse(await read('infra/azure.parameters.json')) as { parameters: Record<string, unknown> };
    const given = Object.keys(file.parameters);
    expect(given.filter((g) => !params.some((p) => p.name === g))).toEqual([]);
    expect(params.filter((p) => !p.hasDefault && !given.includes(p.name)).map((p) => p.name)).toEqual([]);
  });

  it('m365agents.yml provisions with that template and deploys the built app', async () => {
    const workflow = parseYaml(await read('m365agents.yml')) as {
      provision: { uses: string; with?: Record<string, unknown> }[];
      deploy: { uses: string; with?: Record<string, unknown> }[];
    };
    const arm = workflow.provision.find((s) => s.uses === 'arm/deploy');
    expect((arm?.with?.templates as { path: string; parameters: string }[])[0]).toMatchObject({
      path: './infra/azure.bicep',
      parameters: './infra/azure.parameters.json',
    });
    expect(workflow.provision.map((s) => s.uses)).toEqual(expect.arrayContaining(['teamsApp/create', 'teamsApp/validateAppPackage']));
    expect(workflow.deploy.map((s) => s.uses).at(-1)).toBe('azureAppService/zipDeploy');
    const env = await read('env/.env.dev');
    // Every ${{NAME}} the workflow and parameters use is declared in the environment file (or by the toolkit).
    const used = new Set(
      [...(await read('m365agents.yml')).matchAll(/\$\{\{(\w+)\}\}/g), ...(await read('infra/azure.parameters.json')).matchAll(/\$\{\{(\w+)\}\}/g)].map(
        (m) => m[1]!,
      ),
    );
    const declared = new Set([...env.matchAll(/^(\w+)=/gm)].map((m) => m[1]!));
    const fromSecrets = ['SECRET_SURVEY_SEAL_KEY'];
    // The package step is given every setting the packager reads.
    const packaging = workflow.provision.find((s) => s.uses === 'cli/runNpmCommand' && String(s.with?.args).startsWith('run package')) as
      { env?: Record<string, string> } | undefined;
    expect(Object.keys(packaging?.env ?? {})).toEqual(expect.arrayContaining([...REQUIRED_SETTINGS, ...PUBLISHER_SETTINGS]));
    expect([...used].filter((u) => !declared.has(u) && !fromSecrets.includes(u))).toEqual([]);
  });
});

describe('cosmos setup-script: the keyless recipe, printed from the code', () => {
  it('creates the database, every container with its partition key and indexing policy, and the data role', async () => {
    // A stand-in `az` on PATH records each call's arguments, one JSON array a line, so the script runs for real.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'setup-script-'));
    const log = path.join(dir, 'calls.jsonl');
    await writeFile(
      path.join(dir, 'az'),
      `#!/usr/bin/env node\nrequire('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`,
    );
    await chmod(path.join(dir, 'az'), 0o755);
    const script = path.join(dir, 'setup.sh');
    await writeFile(script, setupScript({ database: 'safeguarding', account: 'acct' }).join('\n') + '\n');
    await promisify(execFile)('bash', [script], {
      env: { PATH: `${dir}:${process.env.PATH}`, RG: 'rg-test', PRINCIPAL_ID: '11111111-2222-4333-8444-555555555555' },
    });
    const calls = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    const option = (call: string[], name: string) => call[call.indexOf(name) + 1];
    const creates = calls.filter((c) => c.slice(0, 4).join(' ') === 'cosmosdb sql container create');
    expect(creates.map((c) => option(c, '-n'))).toEqual(CONTAINER_NAMES);
    for (const c of creates) {
      expect(option(c, '-g')).toBe('rg-test');
      expect(option(c, '-a')).toBe('acct');
      expect(option(c, '-p')).toBe('/orgId');
      expect(JSON.parse(option(c, '--idx')!)).toEqual(containerDefinition(option(c, '-n') as (typeof CONTAINER_NAMES)[number]).indexingPolicy);
    }
    expect(calls[0]!.slice(0, 4).join(' ')).toBe('cosmosdb sql database create');
    const role = calls.at(-1)!;
    expect(role.slice(0, 4).join(' ')).toBe('cosmosdb sql role assignment');
    expect(option(role, '--principal-id')).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('gives a provisioned account shared autoscale throughput on the database, and a serverless one none', () => {
    const databaseCreate = (lines: string[]) => lines.find((l) => l.startsWith('az cosmosdb sql database create'))!;
    expect(databaseCreate(setupScript({ database: 'safeguarding', autoscaleMax: 4000 }))).toMatch(/ --max-throughput 4000$/);
    expect(databaseCreate(setupScript({ database: 'safeguarding' }))).not.toContain('throughput');
    // Containers never get throughput of their own: one logical partition each, so more would only split it.
    expect(setupScript({ database: 'safeguarding', autoscaleMax: 4000 }).filter((l) => l.includes('container create') && l.includes('throughput'))).toEqual([]);
  });

  it('stops before any call when a name it needs is not given', async () => {
    const script = setupScript({ database: 'safeguarding' }).join('\n');
    await expect(promisify(execFile)('/bin/bash', ['-c', script], { env: { PATH: '/nonexistent' } })).rejects.toMatchObject({
      stderr: expect.stringContaining('set RG to the resource group'),
    });
  });
});
