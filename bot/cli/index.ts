#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { systemClock } from '../../services/core/clock';
import { loadConfig } from '../../services/core/config';
import { AppError, isAppError } from '../../services/core/errors';
import { openMigratedStore } from '../../services/migrations/migrations';
import { configureAudit, flushAudit } from '../../services/audit/audit-log';
import { cliLogger, COMMON_OPTIONS, orgOf, print, type CliContext, type Command, type OptionValues } from '../../services/kernel/cli-command';
import { oneLine } from '../../services/core/text';
import { mergedTable } from '../modules';
import { newCorrelationId, withCorrelation } from '../../services/core/correlation';

type CommandTable = Record<string, Command>;

/**
 * The kernel's and the host's areas, by the first word people type; each feature module adds its
 * own (FeatureModule.cli). An area's commands are loaded only when one of them runs, so `org show`
 * does not load the Teams client or the spreadsheet reader.
 */
const ORGANISATION_AREAS: Record<string, () => Promise<CommandTable>> = {
  org: async () => (await import('./org.js')).ORG_COMMANDS,
  agency: async () => (await import('./agencies.js')).AGENCY_COMMANDS,
};
const OPERATION_AREAS: Record<string, () => Promise<CommandTable>> = {
  jobs: async () => (await import('./jobs.js')).JOB_COMMANDS,
  delivery: async () => (await import('./delivery.js')).DELIVERY_COMMANDS,
  backup: async () => (await import('./backup.js')).BACKUP_COMMANDS,
  restore: async () => (await import('./backup.js')).BACKUP_COMMANDS,
  cosmos: async () => (await import('./cosmos.js')).COSMOS_COMMANDS,
  audit: async () => (await import('./audit.js')).AUDIT_COMMANDS,
  report: async () => (await import('./reports.js')).reportCommands(),
};

/** Every area, listed in the usage as people meet them: the organisation, then each feature in the modules' order, then the operator's tools. */
const merged = mergedTable('command-line area', { ...ORGANISATION_AREAS, ...OPERATION_AREAS }, (m) => m.cli);
const AREAS: Record<string, () => Promise<CommandTable>> = Object.fromEntries([
  ...Object.entries(ORGANISATION_AREAS),
  ...Object.entries(merged).filter(([area]) => !Object.hasOwn(ORGANISATION_AREAS, area) && !Object.hasOwn(OPERATION_AREAS, area)),
  ...Object.entries(OPERATION_AREAS),
]);

export async function allCommands(): Promise<CommandTable> {
  const tables = await Promise.all([...new Set(Object.values(AREAS))].map((load) => load()));
  return Object.assign({}, ...tables) as CommandTable;
}

async function usage(): Promise<string> {
  return [
    'Usage: tracker <command>   (or npm run cli -- <command>; tracker <command> --help for one command)',
    ...Object.values(await allCommands()).map((c) => `  ${c.usage}`),
  ].join('\n');
}

/** The command named by the leading words (`backup`, `plan import`, `people role grant`), and the words after it. */
async function findCommand(words: string[]): Promise<{ command: Command; words: number } | undefined> {
  const load = Object.hasOwn(AREAS, words[0] ?? '') ? AREAS[words[0]!] : undefined;
  if (!load) return undefined;
  const table = await load();
  for (const length of [3, 2, 1]) {
    const name = words.slice(0, length).join(' ');
    if (words.length >= length && Object.hasOwn(table, name)) return { command: table[name]!, words: length };
  }
  return undefined;
}

/** Strict: an option the command does not declare, or one missing its value, is a clear error, not ignored. */
function parseCommandArgs(command: Command, argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, ...command.options } });
  } catch (e) {
    const reason = (e as Error).message.split('. ')[0];
    throw new AppError('VALIDATION', `${reason}. Usage: ${command.usage}`);
  }
}

/** Sends what the command queued, so a command line run is complete when it returns. */
async function deliverQueued(ctx: CliContext): Promise<void> {
  // Loaded only here: the Teams client is the heaviest module, and most commands send nothing.
  const { createDeliverySender } = await import('../delivery-sender.js');
  const report = await createDeliverySender(ctx.config, ctx.store, cliLogger(ctx.config)).drain(orgOf(ctx), { waitMs: 60_000 });
  print(
    `Delivered: sent ${report.sent} (by email ${report.emailed}), updated ${report.updated}, retried ${report.retried}, failed ${report.failed}, unreachable ${report.unreachable}`,
  );
}

export async function main(argv: string[]): Promise<number> {
  // The leading words before any option name the command; its own options are then parsed strictly.
  const firstOption = argv.findIndex((a) => a.startsWith('-'));
  const leading = firstOption === -1 ? argv : argv.slice(0, firstOption);
  // Asking for help is a success: the list goes to stdout, so it can be paged or searched.
  if (argv.length === 1 && ['help', '--help', '-h'].includes(argv[0]!)) {
    process.stdout.write((await usage()) + '\n');
    return 0;
  }
  const found = await findCommand(leading);
  if (!found) {
    process.stderr.write((await usage()) + '\n');
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const { command } = found;
  const { positionals, values } = parseCommandArgs(command, argv);
  if (values.help) {
    process.stdout.write(`Usage: tracker ${command.usage}\n`);
    return 0;
  }
  const config = loadConfig();
  const args = positionals.slice(found.words);
  if (command.store === false) {
    await command.run({ config, clock: systemClock, args, options: values as OptionValues });
    return 0;
  }
  const logger = cliLogger(config);
  // Commands wait out throttling for longer than a person in Teams would: nobody is waiting on a 15 s timeout.
  const store = await openMigratedStore(config, logger, 'background');
  configureAudit(store, { logger, retentionYears: config.AUDIT_RETENTION_YEARS });
  try {
    try {
      const ctx: CliContext = { config, store, clock: systemClock, args, options: values as OptionValues, deliver: () => deliverQueued(ctx) };
      await command.run(ctx);
    } catch (error) {
      // A failed command still records what it showed; its own error is the one to report.
      await flushAudit(store);
      throw error;
    }
    // What the command showed or wrote is recorded before the command counts as done.
    const unwritten = await flushAudit(store);
    if (unwritten.length > 0)
      throw new AppError('STORE_UNAVAILABLE', `${unwritten.length} audit entries of this command could not be written (listed in the log above).`);
    return 0;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  // One reference per command, on every log line it writes.
  withCorrelation(newCorrelationId(), () => main(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const message = isAppError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
      // Messages quote names and cells from files: one line, no terminal escapes (see print).
      process.stderr.write(`Error: ${oneLine(message)}\n`);
      process.exit(1);
    },
  );
}
