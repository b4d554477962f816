import cron from 'node-cron';
import os from 'node:os';
import { FixedClock, systemClock } from '../core/clock';
import type { Logger } from '../core/logger';
import { ensureOrganisation } from '../people/organisations';
import type { Store } from '../store/ports';
import type { WorkingCalendar } from './calendar';
import { StoreRunCoordinator } from './coordinator';
import { JOBS, runJob, type JobName } from './jobs';

export type SchedulerDeps = { store: Store; logger: Logger; calendar: WorkingCalendar; orgId: string; timeZone: string; afterJob?: () => Promise<unknown> };

/**
 * Starts every job on its cron schedule in the organisation's time zone. Each slot runs on one
 * instance only: the store-backed coordinator lets the first instance that claims it run it.
 */
export type SchedulerStatus = { jobs: { name: JobName; cron: string; lastRun?: { at: string; ok: boolean } }[] };

export function startScheduler(deps: SchedulerDeps): { stop(): Promise<void>; status(): SchedulerStatus } {
  const lastRuns = new Map<JobName, { at: string; ok: boolean }>();
  const coordinator = new StoreRunCoordinator(deps.store, deps.orgId, systemClock, `${os.hostname()}:${process.pid}`);
  const tasks = (Object.keys(JOBS) as JobName[]).map((name) =>
    cron.schedule(
      JOBS[name].cron,
      async (context) => {
        try {
          // The job sees the slot's time, not the moment the timer fired, so a late start changes nothing.
          const clock = new FixedClock(context.date);
          const organisation = await ensureOrganisation(deps.store, clock, deps.orgId, { timeZone: deps.timeZone });
          await runJob(name, { store: deps.store, clock, orgId: deps.orgId, organisation, calendar: deps.calendar, logger: deps.logger });
          lastRuns.set(name, { at: new Date().toISOString(), ok: true });
          await deps.afterJob?.();
        } catch (e) {
          lastRuns.set(name, { at: new Date().toISOString(), ok: false });
          deps.logger.error({ err: e, job: name }, 'scheduled job failed; it runs again at its next slot');
        }
      },
      { name: `${deps.orgId}:${name}`, timezone: deps.timeZone, distributed: true, runCoordinator: coordinator, noOverlap: true, unref: true },
    ),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
    },
    /** What this instance has run since it started (another instance may have run a slot instead). */
    status: () => ({ jobs: (Object.keys(JOBS) as JobName[]).map((name) => ({ name, cron: JOBS[name].cron, ...(lastRuns.has(name) ? { lastRun: lastRuns.get(name)! } : {}) })) }),
  };
}
