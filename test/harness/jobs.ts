import { runJob, type AppJobDeps, type JobName, type JobResult } from '../../bot/jobs';
import type { Clock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import { ensureOrganisation } from '../../services/organisation/organisations';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import type { Store } from '../../services/store/ports';
import { ORG } from './fixtures';

/**
 * Runs a job of the app's table at `clock`'s time, as the scheduler runs it for the test
 * organisation: its settings (made in `timeZone` if it has none yet), the working calendar, no
 * logging, and whatever else the app wires for the job (`seal` for the questionnaire job).
 */
export async function runJobAt(
  name: JobName,
  store: Store,
  clock: Clock,
  options: AppJobDeps & { timeZone?: string; calendar?: WorkingCalendar } = {},
): Promise<JobResult> {
  const { timeZone = 'Europe/London', calendar = new WorkingCalendar(), ...wiring } = options;
  const organisation = await ensureOrganisation(store, clock, ORG, { timeZone });
  return runJob(name, { store, clock, orgId: ORG, organisation, calendar, logger: silentLogger, ...wiring });
}
