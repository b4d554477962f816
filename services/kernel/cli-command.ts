import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { Clock } from '../core/clock';
import type { Config } from '../core/config';
import { today } from '../core/dates';
import { AppError } from '../core/errors';
import { createLogger } from '../core/logger';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import { ensureOrganisation } from '../organisation/organisations';
import type { Organisation } from '../organisation/model';
import { requireAgency } from '../organisation/agencies';
import { partnershipOf } from '../organisation/organisations';
import { OPERATOR, scopeOfRequester, type Requester } from '../access/policy';
import { cellText, type Report } from '../core/report';
import type { Store } from '../store/ports';
import { oneLine } from '../core/text';
import { recordAudit } from '../audit/audit-log';
import { OPERATOR_ID, type AuditAction, type AuditRecordRef } from '../audit/model';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/**
 * `deliver` sends what the command queued. The host supplies it, so a command that queues messages
 * does not load the Teams client itself (the heaviest module; most commands send nothing).
 */
export type CliContext = { config: Config; store: Store; clock: Clock; args: string[]; options: OptionValues; deliver: () => Promise<void> };

/**
 * One command of the command line. It declares its own options, so an option another command
 * takes (`plan import --anonymous`) is refused rather than ignored. A command with `store: false`
 * reads only the code and settings, and runs without opening the store.
 */
export type Command =
  | { usage: string; options?: OptionSpec; store?: true; run: (ctx: CliContext) => Promise<void> }
  | { usage: string; options?: OptionSpec; store: false; run: (ctx: Omit<CliContext, 'store' | 'deliver'>) => Promise<void> };

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpec = { org: { type: 'string' }, help: { type: 'boolean' } };

/**
 * One line of output. Names and cells come from people and files: a terminal escape in them could
 * clear the screen or rewrite what was printed, and a line break could forge a line, so each call
 * prints exactly one line of visible text.
 */
export const print = (line = '') => process.stdout.write(oneLine(line) + '\n');

/** Text someone else chose (a Teams display name, an agency's name) in quotes that a quote inside it cannot close. */
export const quoted = (text: string) => JSON.stringify(text);

/** Warnings and errors only, on stderr: the command's own report is its output. */
export const cliLogger = (config: Config) =>
  createLogger(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? config.LOG_LEVEL : 'warn', { toStderr: true });

export function stringOption(ctx: Pick<CliContext, 'options'>, name: string): string | undefined {
  return ctx.options[name] as string | undefined;
}

export function orgOf(ctx: CliContext): string {
  const org = stringOption(ctx, 'org') ?? ctx.config.DEFAULT_ORG_ID;
  if (!/^[a-z0-9-]{1,64}$/.test(org)) throw new AppError('VALIDATION', `--org "${org}" must be lower-case letters, digits and - only.`);
  return org;
}

/** The organisation the command works on, created with the configured time zone on first use. */
export function organisationOf(ctx: CliContext, clock: Clock = ctx.clock): Promise<Organisation> {
  return ensureOrganisation(ctx.store, clock, orgOf(ctx), { timeZone: ctx.config.DEFAULT_TIME_ZONE });
}

/** The person named by `--as <email>`: commands that act for someone are authorised as them. */
export async function actorOption(ctx: CliContext): Promise<Person> {
  const as = stringOption(ctx, 'as') ?? '';
  const actor = await new Directory(ctx.store).byEmail({ orgId: orgOf(ctx) }, as);
  if (!actor) throw new AppError('VALIDATION', `--as "${as}" is not the email of anyone in the directory.`);
  return actor;
}

/** The options of a command that may act for a person (`--as`) and for one agency (`--agency`). */
export const AGENCY_OPTIONS: OptionSpec = { agency: { type: 'string' }, as: { type: 'string' } };

/** Who the command acts for: the person named by `--as` (authorised as them, and named where the change is recorded), else the operator. */
export async function requesterOption(ctx: CliContext): Promise<Person | typeof OPERATOR> {
  return stringOption(ctx, 'as') === undefined ? OPERATOR : actorOption(ctx);
}

/**
 * The agency the command is limited to: `--agency` (an existing agency) within the requester's
 * own scope, or the requester's own agency for a person bound to one. Undefined = every agency.
 */
export async function agencyOption(ctx: CliContext, requester: Requester): Promise<string | undefined> {
  const agency = stringOption(ctx, 'agency');
  if (agency !== undefined) await requireAgency(ctx.store, orgOf(ctx), agency);
  return scopeOfRequester(requester, await partnershipOf(ctx.store, orgOf(ctx)), agency).agency;
}

export function fileArg(ctx: CliContext, what: string): string {
  const file = ctx.args[0];
  if (!file) throw new AppError('VALIDATION', `Give the ${what} file, e.g. plan.csv or plan.xlsx.`);
  return path.resolve(file);
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function dateOption(ctx: CliContext, name: string): string | undefined {
  const value = stringOption(ctx, name);
  if (value !== undefined && (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value))))
    throw new AppError('VALIDATION', `--${name} "${value}" must be a date such as 2026-04-01.`);
  return value;
}

/** `--at <date>`, or today in the configured time zone. */
export function asAtOption(ctx: CliContext): string {
  return dateOption(ctx, 'at') ?? today(ctx.clock, ctx.config.DEFAULT_TIME_ZONE);
}

export function instantOption(ctx: CliContext): Date {
  const at = stringOption(ctx, 'at');
  if (!at) return ctx.clock.now();
  const parsed = new Date(at);
  if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(at))
    throw new AppError('VALIDATION', `--at "${at}" must be an ISO instant such as 2026-12-01T09:00:00Z.`);
  return parsed;
}

export function countOption(ctx: CliContext, name: string): number | undefined {
  const value = stringOption(ctx, name);
  return value === undefined ? undefined : Number(value);
}

export async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new AppError('VALIDATION', `${path.basename(file)} is not readable JSON: ${(e as Error).message}`);
  }
}

/** The options of a command that writes a table: `--format csv|xlsx` or `--out <file>`. */
export const TABLE_OPTIONS: OptionSpec = { format: { type: 'string' }, out: { type: 'string' } };

/**
 * A report (or its sections) to a file when --out or --format is given (CSV or XLSX by extension),
 * else printed: each section's title, its table aligned, then its notes.
 */
export async function outputReport(ctx: CliContext, report: Report | readonly Report[], defaultName: string): Promise<void> {
  const sections = Array.isArray(report) ? (report as readonly Report[]) : [report as Report];
  const format = stringOption(ctx, 'format');
  if (format !== undefined && format !== 'csv' && format !== 'xlsx') throw new AppError('VALIDATION', '--format must be csv or xlsx.');
  const out = stringOption(ctx, 'out') ?? (format ? `${defaultName}.${format}` : undefined);
  if (out) {
    // Loaded only here: the spreadsheet writer is heavy, and most reports are printed.
    const { writeReport } = await import('../core/tabular.js');
    await writeReport(path.resolve(out), sections);
    const rows = sections.reduce((n, s) => n + s.rows.length, 0);
    print(`${sections.map((s) => s.title).join('; ')}: wrote ${rows} rows to ${path.resolve(out)}`);
    for (const note of sections.flatMap((s) => s.notes ?? [])) print(note);
    return;
  }
  sections.forEach((section, i) => {
    if (i > 0) print();
    const rows = section.rows.map((r) => section.headers.map((_, c) => cellText(r[c] ?? null)));
    const widths = section.headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    print(section.title);
    for (const row of [section.headers, ...rows])
      print(
        row
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join('  ')
          .trimEnd(),
      );
    for (const note of section.notes ?? []) print(note);
  });
}

/** Sends what the command queued, so a command line run is complete when it returns. */
export const deliver = (ctx: CliContext): Promise<void> => ctx.deliver();

/** The option that turns off sending after a command that queues messages. */
export const NO_DELIVER: OptionSpec = { 'no-deliver': { type: 'boolean' } };

/**
 * Records that the command showed, wrote out or changed something about people (services/audit).
 * A table sent to a file (--out/--format) counts as an export; one printed, as a view.
 */
export function auditCommand(
  ctx: CliContext,
  requester: Requester,
  record: AuditRecordRef,
  options: { action?: AuditAction; agency?: string; detail?: string } = {},
): void {
  const exported = stringOption(ctx, 'out') !== undefined || stringOption(ctx, 'format') !== undefined;
  recordAudit(ctx, {
    orgId: orgOf(ctx),
    who: requester === OPERATOR ? OPERATOR_ID : requester.id,
    surface: 'cli',
    action: options.action ?? (exported ? 'export' : 'view'),
    record,
    ...(options.agency ? { agency: options.agency } : {}),
    ...(options.detail ? { detail: options.detail } : {}),
  });
}
