import cron from 'node-cron';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { FixedClock, systemClock, type Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { ensureOrganisation } from '../organisation/organisations';
import type { Store } from '../store/ports';
import type { WorkingCalendar } from './calendar';
import { StoreRunCoordinator } from './coordinator';
import { runJobDefinition, type JobTable } from './job-context';
import { newCorrelationId, withCorrelation } from '../core/correlation';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/** `jobDeps`: what the app wires for its jobs, handed to each as part of its context (see JobContext). */
export type SchedulerDeps<Deps extends object = object> = {
  jobs: JobTable<Deps>;
  jobDeps: Deps;
  store: Store;
  logger: Logger;
  calendar: WorkingCalendar;
  orgId: string;
  timeZone: string;
  afterJob?: () => Promise<unknown>;
};

/**
 * A slot whose run fails (the store unreachable, say) is tried again, sooner then less often,
 * until the window closes; it stays shorter than the hourly job's interval so runs never pile up.
 */
export type RetryPolicy = { firstDelayMs: number; maxDelayMs: number; windowMs: number };
export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 60_000, maxDelayMs: 10 * 60_000, windowMs: 45 * 60_000 };

export type SlotDeps<Deps extends object = object> = SchedulerDeps<Deps> & {
  coordinator: StoreRunCoordinator;
  wall: Clock;
  retry: RetryPolicy;
  wait: (ms: number) => Promise<void>;
};

/**
 * Runs one job slot once across instances, retrying on failure: the claim is this instance's until
 * the job has run (or its lease lapses), so a retry is not mistaken for another instance's run.
 * Jobs are idempotent (their messages and escalations have ids of their own), so running a slot
 * again after a failure part-way completes it without doubling anything.
 */
export async function runSlot<Deps extends object>(deps: SlotDeps<Deps>, name: string, slot: Date): Promise<'ran' | 'elsewhere' | 'gave-up'> {
  const job = deps.jobs[name];
  if (!job) throw new Error(`No job called "${name}" in the table the scheduler was given.`);
  const key = `${deps.orgId}:${name}:${slot.toISOString()}`;
  const deadline = slot.getTime() + deps.retry.windowMs;
  let delay = deps.retry.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      if ((await deps.coordinator.claim(key)) === 'taken') return 'elsewhere';
      // The job sees the slot's time, not the moment it ran, so a late start or a retry changes nothing.
      const clock = new FixedClock(slot);
      const organisation = await ensureOrganisation(deps.store, clock, deps.orgId, { timeZone: deps.timeZone });
      await runJobDefinition(name, job, {
        ...deps.jobDeps,
        store: deps.store,
        clock,
        orgId: deps.orgId,
        organisation,
        calendar: deps.calendar,
        logger: deps.logger,
      });
      await deps.coordinator
        .complete(key)
        .catch((e: unknown) => deps.logger.warn({ err: e, job: name }, 'job ran but its slot could not be marked done; a retry would repeat it harmlessly'));
      return 'ran';
    } catch (e) {
      if (deps.wall.now().getTime() + delay > deadline) {
        deps.logger.error({ err: e, job: name, attempt }, 'scheduled job failed and its retry window has passed; it runs again at its next slot');
        return 'gave-up';
      }
      deps.logger.warn({ err: e, job: name, attempt, retryInMs: delay }, 'scheduled job failed; it will be retried');
      await deps.wait(delay);
      delay = Math.min(delay * 2, deps.retry.maxDelayMs);
    }
  }
}

/**
 * One run of a job's slot, as the scheduler starts it: one correlation id on every line it logs,
 * and one span in telemetry (a no-op without APPLICATIONINSIGHTS_CONNECTION_STRING) carrying that
 * id, so a failed run in Application Insights leads to its log lines. The span says which job and
 * slot and how it went, never what the job touched.
 */
export function runJobSlot<Deps extends object>(deps: SlotDeps<Deps>, name: string, slot: Date): Promise<'ran' | 'elsewhere' | 'gave-up'> {
  const id = newCorrelationId();
  return withCorrelation(id, () =>
    // SERVER: Application Insights records the run as an operation of its own, named like a request.
    trace
      .getTracer('safeguarding-action-tracker')
      .startActiveSpan(
        `job ${name}`,
        { kind: SpanKind.SERVER, attributes: { 'app.correlation_id': id, 'job.name': name, 'job.slot': slot.toISOString() } },
        async (span) => {
          try {
            const outcome = await runSlot(deps, name, slot);
            span.setAttribute('job.outcome', outcome);
            if (outcome === 'gave-up') span.setStatus({ code: SpanStatusCode.ERROR });
            return outcome;
          } catch (e) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw e;
          } finally {
            span.end();
          }
        },
      ),
  );
}

/** `running`: every job's timer is live (false once stopping, or if a timer died), for /readyz. */
export type SchedulerStatus = { running: boolean; jobs: { name: string; cron: string; lastRun?: { at: string; ok: boolean } }[] };

/** Starts every job of the table on its cron schedule in the organisation's time zone; each slot runs on one instance. */
export function startScheduler<Deps extends object>(
  deps: SchedulerDeps<Deps>,
  retry: RetryPolicy = DEFAULT_RETRY,
): { stop(): Promise<void>; status(): SchedulerStatus } {
  const lastRuns = new Map<string, { at: string; ok: boolean }>();
  const stopping = new AbortController();
  const slotDeps: SlotDeps<Deps> = {
    ...deps,
    coordinator: new StoreRunCoordinator(deps.store, deps.orgId, systemClock, `${os.hostname()}:${process.pid}`),
    wall: systemClock,
    retry,
    wait: (ms) => sleep(ms, undefined, { signal: stopping.signal }),
  };
  const tasks = Object.entries(deps.jobs).map(([name, job]) =>
    cron.schedule(
      job.cron,
      async (context) => {
        try {
          const outcome = await runJobSlot(slotDeps, name, context.date);
          if (outcome !== 'elsewhere') lastRuns.set(name, { at: new Date().toISOString(), ok: outcome === 'ran' });
          if (outcome === 'ran') await deps.afterJob?.();
        } catch (e) {
          if (!stopping.signal.aborted) deps.logger.error({ err: e, job: name }, 'scheduled job failed');
        }
      },
      { name: `${deps.orgId}:${name}`, timezone: deps.timeZone, noOverlap: true, unref: true },
    ),
  );
  return {
    async stop() {
      stopping.abort();
      await Promise.all(tasks.map((t) => t.destroy()));
    },
    /** What this instance has run since it started (another instance may have run a slot instead). */
    status: () => ({
      running: !stopping.signal.aborted && tasks.every((t) => !['stopped', 'destroyed'].includes(t.getStatus())),
      jobs: Object.entries(deps.jobs).map(([name, job]) => ({ name, cron: job.cron, ...(lastRuns.has(name) ? { lastRun: lastRuns.get(name)! } : {}) })),
    }),
  };
}
