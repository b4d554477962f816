import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../services/core/errors';
import { containerDefinitions } from '../../services/store/containers';
import { print, stringOption, type CliContext, type Command } from '../../services/kernel/cli-command';

/** What `infra/containers.json` holds: the code's containers, for the Bicep to load. */
export const containersJson = () => JSON.stringify(containerDefinitions(), null, 2) + '\n';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,89}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function nameOption(ctx: Omit<CliContext, 'store' | 'deliver'>, option: string): string | undefined {
  const value = stringOption(ctx, option);
  if (value === undefined) return undefined;
  // Pasted into a shell: only the characters Azure allows in these names, so nothing can break out.
  if (!NAME.test(value)) throw new AppError('VALIDATION', `--${option} "${value}" must be an Azure resource name (letters, digits, _ . -).`);
  return value;
}

/** A shell argument in single quotes: JSON holds double quotes, never a single one here. */
const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The Azure CLI commands that create the database and every container exactly as the app would
 * with a key, for keyless deployments without the Bicep. Printed from the code, so they cannot drift.
 * Names given as options are filled in; the rest are shell variables the script asks for.
 */
export function setupScript(options: { resourceGroup?: string; account?: string; database: string; principalId?: string; autoscaleMax?: number }): string[] {
  const variable = (name: string, value: string | undefined, what: string) => (value ? `${name}=${value}` : `${name}="\${${name}:?set ${name} to ${what}}"`);
  const lines = [
    '#!/usr/bin/env bash',
    '# Creates the database and every container the app uses, then lets its managed identity read and write data.',
    'set -euo pipefail',
    variable('RG', options.resourceGroup, 'the resource group'),
    variable('ACCOUNT', options.account, 'the Cosmos DB account name'),
    `DATABASE=${options.database}`,
    variable('PRINCIPAL_ID', options.principalId, 'the principal id of the managed identity'),
    // Throughput is the database's, shared by every container: on a provisioned account a container
    // without it would get 400 RU/s of its own, twelve times over. A serverless account takes none.
    options.autoscaleMax === undefined
      ? '# Serverless account: no throughput to set. (On a provisioned account, give --autoscale-max: every container would otherwise get 400 RU/s of its own.)'
      : `# Shared autoscale throughput for every container, scaling between ${options.autoscaleMax / 10} and ${options.autoscaleMax} RU/s.`,
    `az cosmosdb sql database create -g "$RG" -a "$ACCOUNT" -n "$DATABASE"${options.autoscaleMax === undefined ? '' : ` --max-throughput ${options.autoscaleMax}`}`,
  ];
  for (const c of containerDefinitions()) {
    const ttl = 'defaultTtl' in c && c.defaultTtl !== undefined ? ` --ttl ${c.defaultTtl}` : '';
    lines.push(
      `az cosmosdb sql container create -g "$RG" -a "$ACCOUNT" -d "$DATABASE" -n ${c.id} -p ${c.partitionKey.paths[0]}${ttl} --idx ${sq(JSON.stringify(c.indexingPolicy))}`,
    );
  }
  lines.push(
    '# The built-in "Cosmos DB Built-in Data Contributor" role, over the whole account.',
    'az cosmosdb sql role assignment create -g "$RG" -a "$ACCOUNT" --role-definition-id 00000000-0000-0000-0000-000000000002 --principal-id "$PRINCIPAL_ID" --scope /',
  );
  return lines;
}

export const COSMOS_COMMANDS: Record<string, Command> = {
  'cosmos setup-script': {
    usage:
      'cosmos setup-script [--resource-group <rg>] [--account <name>] [--database <name>] [--principal-id <id>] [--autoscale-max <RU/s>]   (az commands creating every container; --autoscale-max for a provisioned account)',
    options: {
      'resource-group': { type: 'string' },
      account: { type: 'string' },
      database: { type: 'string' },
      'principal-id': { type: 'string' },
      'autoscale-max': { type: 'string' },
    },
    store: false,
    async run(ctx) {
      const principalId = stringOption(ctx, 'principal-id');
      if (principalId !== undefined && !GUID.test(principalId)) {
        throw new AppError('VALIDATION', `--principal-id "${principalId}" must be the identity's principal (object) id, a GUID.`);
      }
      const max = stringOption(ctx, 'autoscale-max');
      // Autoscale maxima start at 1,000 RU/s and go in steps of 1,000.
      if (max !== undefined && !(/^\d+$/.test(max) && Number(max) >= 1000 && Number(max) % 1000 === 0)) {
        throw new AppError('VALIDATION', `--autoscale-max "${max}" must be a whole number of RU/s, at least 1000, in steps of 1000.`);
      }
      const script = setupScript({
        autoscaleMax: max === undefined ? undefined : Number(max),
        resourceGroup: nameOption(ctx, 'resource-group'),
        account: nameOption(ctx, 'account'),
        database: nameOption(ctx, 'database') ?? ctx.config.COSMOS_DATABASE,
        principalId,
      });
      for (const line of script) process.stdout.write(line + '\n');
    },
  },
  'cosmos containers-json': {
    usage: 'cosmos containers-json [--out <file>]   (the containers as infrastructure as code loads them)',
    options: { out: { type: 'string' } },
    store: false,
    async run(ctx) {
      const out = stringOption(ctx, 'out');
      if (!out) {
        process.stdout.write(containersJson());
        return;
      }
      await writeFile(path.resolve(out), containersJson());
      print(`Wrote ${containerDefinitions().length} containers to ${out}.`);
    },
  },
};
