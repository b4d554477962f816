import { createHash, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Clock } from '../core/clock';
import { Directory } from '../people/repository';
import { matchByName } from '../people/model';
import type { Person } from '../people/model';
import type { Store } from '../store/ports';
import { isOpen, nextDueDate, type Action, type PersonRef, type Plan } from './model';
import { parsePlanTable, type PlanRow, type RowProblem } from './plan-rows';
import { ActionPlan } from './repository';
import type { Table } from '../core/tabular';
import { inBackground } from '../store/request-priority';
import { moveOldHistory } from './history';

export type ImportChange = { rowNumber: number; ref: string; kind: 'create' | 'update'; fields: string[] };

export type ImportReport = {
  dryRun: boolean;
  planId: string;
  dataRows: number;
  created: number;
  updated: number;
  unchanged: number;
  changes: ImportChange[];
  problems: RowProblem[];
  warnings: { rowNumber: number; message: string }[];
  unmatchedLeads: string[];
  ambiguousLeads: string[];
};

export type ImportInput = {
  orgId: string;
  planId: string;
  title: string;
  fileName: string;
  table: Table;
  dryRun: boolean;
  onProgress?: (done: number, total: number) => void;
  /** The plan's own details, which the table does not hold: owner, period, review dates. */
  details?: Pick<Plan, 'owner' | 'period' | 'reviewDates'>;
};

export type ImportDeps = { store: Store; clock: Clock };

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** The same learning point, action and evidence is the same action, whatever else changed in the file. */
export function actionKey(orgId: string, planId: string, row: Pick<PlanRow, 'learningPoint' | 'action' | 'evidence'>): string {
  return createHash('sha256')
    .update([orgId, planId, row.learningPoint.number, norm(row.action), norm(row.evidence)].join('\u241f'))
    .digest('hex')
    .slice(0, 32);
}

function resolveLeads(names: string[], people: Person[], unmatched: Set<string>, ambiguous: Set<string>): PersonRef[] {
  return names.map((name) => {
    const byEmail = name.includes('@') ? people.find((p) => p.email === name.toLowerCase()) : undefined;
    if (byEmail) return { personId: byEmail.id, name: byEmail.name };
    const match = matchByName(people, name);
    if (match.kind === 'found') return { personId: match.person.id, name };
    (match.kind === 'ambiguous' ? ambiguous : unmatched).add(name);
    return { name };
  });
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Imports a plan table: creates new actions, updates changed ones, leaves identical ones alone.
 * Rows that cannot be read are reported, never guessed at; a dry run computes the same report
 * and writes nothing.
 */
async function importPlanRows(deps: ImportDeps, input: ImportInput): Promise<ImportReport> {
  const { store, clock } = deps;
  const { orgId, planId } = input;
  const parsed = parsePlanTable(input.table);
  const problems: RowProblem[] = [...parsed.problems];
  const warnings = parsed.rows.flatMap((r) => r.warnings.map((message) => ({ rowNumber: r.rowNumber, message })));

  const people = await new Directory(store).all({ orgId });
  const unmatched = new Set<string>();
  const ambiguous = new Set<string>();
  const plan = new ActionPlan(store);
  const now = clock.now().toISOString();
  const today = DateTime.fromJSDate(clock.now(), { zone: 'utc' }).toISODate()!;

  const seen = new Map<string, number>();
  const perLearningPoint = new Map<number, number>();
  const changes: ImportChange[] = [];
  let unchanged = 0;
  let done = 0;

  for (const row of parsed.rows) {
    done++;
    input.onProgress?.(done, parsed.rows.length);
    const key = actionKey(orgId, planId, row);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({ rowNumber: row.rowNumber, reason: `repeats row ${earlier} (same learning point, action and evidence)` });
      continue;
    }
    seen.set(key, row.rowNumber);
    const ordinal = (perLearningPoint.get(row.learningPoint.number) ?? 0) + 1;
    perLearningPoint.set(row.learningPoint.number, ordinal);

    const leads = resolveLeads(row.leads, people, unmatched, ambiguous);
    const planned = {
      ref: `LP${row.learningPoint.number}.${ordinal}`,
      learningPoint: row.learningPoint.number,
      description: row.action,
      evidence: row.evidence,
      due: row.due,
      ongoing: row.due.ongoing !== null,
      leads,
      leadIds: leads.flatMap((l) => (l.personId ? [l.personId] : [])),
      ...(row.review ? { review: row.review } : {}),
    };
    const id = `${planId}-${key}`;
    const existing = await plan.getAction(orgId, id);

    if (!existing) {
      changes.push({ rowNumber: row.rowNumber, ref: planned.ref, kind: 'create', fields: [] });
      if (input.dryRun) continue;
      const action: Action = {
        id,
        orgId,
        planId,
        importKey: key,
        ...planned,
        status: row.status,
        progress: row.progress,
        version: 1,
        history: [],
        imported: { status: row.status, progress: row.progress, rowNumber: row.rowNumber },
        open: isOpen(row.status),
        updatedAt: now,
      };
      action.nextDueDate = nextDueDate(action, today);
      await plan.createAction(action);
      continue;
    }

    const fields: string[] = (Object.keys(planned) as (keyof typeof planned)[]).filter((f) => !sameJson(existing[f], planned[f]));
    // Status and progress come from the file only when the file changed them since the last
    // import, and to something other than what is stored: otherwise re-importing would undo an
    // update given in Teams, or re-record one an exported file merely repeats.
    const fileChanged = existing.imported.status !== row.status || existing.imported.progress !== row.progress;
    const differsFromStored = existing.status !== row.status || existing.progress !== row.progress;
    const statusChanged = fileChanged && differsFromStored;
    if (statusChanged) fields.push('status');
    if (fields.length === 0) {
      unchanged++;
      continue;
    }
    changes.push({ rowNumber: row.rowNumber, ref: planned.ref, kind: 'update', fields });
    if (input.dryRun) continue;
    const updated = await plan.updateAction(orgId, id, (current) => {
      const next: Action = { ...current, ...planned, version: current.version + 1, updatedAt: now };
      if (statusChanged) {
        next.history = [
          ...current.history,
          {
            id: randomUUID(),
            at: now,
            by: { name: `import of ${input.fileName}` },
            source: 'import',
            previousStatus: current.status,
            status: row.status,
            progress: row.progress,
          },
        ];
        next.status = row.status;
        next.progress = row.progress;
        next.open = isOpen(row.status);
        next.imported = { status: row.status, progress: row.progress, rowNumber: row.rowNumber };
      }
      next.nextDueDate = nextDueDate(next, today);
      return next;
    });
    if (statusChanged) await moveOldHistory(store, updated);
  }

  if (!input.dryRun && parsed.rows.length > 0) await savePlan(store, input, parsed.rows, now);

  return {
    dryRun: input.dryRun,
    planId,
    dataRows: input.table.rows.length,
    created: changes.filter((c) => c.kind === 'create').length,
    updated: changes.filter((c) => c.kind === 'update').length,
    unchanged,
    changes,
    problems: problems.sort((a, b) => a.rowNumber - b.rowNumber),
    warnings,
    unmatchedLeads: [...unmatched].sort(),
    ambiguousLeads: [...ambiguous].sort(),
  };
}

async function savePlan(store: Store, input: ImportInput, rows: PlanRow[], now: string): Promise<void> {
  const plans = new ActionPlan(store);
  const learningPoints = [
    ...new Map(rows.map((r) => [r.learningPoint.number, { ...r.learningPoint, ...(r.review ? { review: r.review } : {}) }])).values(),
  ].sort((a, b) => a.number - b.number);
  const existing = await plans.getPlan(input.orgId, input.planId);
  const details = input.details ?? {};
  const unchanged =
    existing &&
    existing.title === input.title &&
    sameJson(existing.learningPoints, learningPoints) &&
    Object.entries(details).every(([k, v]) => sameJson(existing[k as keyof Plan], v));
  if (unchanged) return;
  await plans.savePlan({
    ...(existing ?? {}),
    ...details,
    id: input.planId,
    orgId: input.orgId,
    title: input.title,
    learningPoints,
    source: { fileName: input.fileName, importedAt: now },
  });
}

/** Imports run as background work: Low priority, and long waits when the store is throttled (services/store/request-priority.ts). */
export function importPlan(...args: Parameters<typeof importPlanRows>): ReturnType<typeof importPlanRows> {
  return inBackground(() => importPlanRows(...args));
}
