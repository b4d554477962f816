import { isAppError } from '../core/errors';
import { z } from 'zod';
import { mayViewSection11Grid } from '../access/policy';
import type { FeatureModule } from '../kernel/module';
import { section11Grid } from './report';
import { SECTION11_CONTAINER } from './repository';
import { chaseSection11 } from './rounds';
import { section11Erasure } from './erasure';
import { section11SubjectAccess } from './subject';
import { SECTION11_COMMANDS, SECTION11_ROUTES } from './teams';

/**
 * The Section 11 self-assessment, as the hosts see it: its card verbs and commands in Teams, its
 * command-line area, its daily job, its grid as a report on every surface, and its container.
 */
export const SECTION11_MODULE: FeatureModule = {
  name: 'section11',
  cardRoutes: SECTION11_ROUTES,
  textCommands: SECTION11_COMMANDS,
  cli: { s11: async () => (await import('./cli.js')).SECTION11_COMMANDS },
  jobs: {
    's11-chasers': {
      cron: '0 10 * * 1-5',
      description:
        'Section 11: chasers to agencies that have not submitted their return (every second working day and on the closing day); closes the round the day after',
      workingDaysOnly: true,
      run: chaseSection11,
    },
  },
  reports: [
    {
      name: 's11',
      title: 'Section 11 self-assessment',
      description: 'Ratings by agency and standard, with the change from last round, what is in challenge and the actions raised',
      params: z.object({
        round: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,100}$/, 'is not a round id')
          .optional(),
      }),
      allowed: (actor, organisation) =>
        mayViewSection11Grid(actor, { orgId: organisation.orgId, ...(organisation.leadAgencyId ? { leadAgencyId: organisation.leadAgencyId } : {}) }),
      inBoardReport: true,
      build: async (ctx, requester, params) => {
        try {
          return await section11Grid(ctx, {
            orgId: ctx.organisation.orgId,
            requester,
            ...(typeof params.round === 'string' ? { roundId: params.round } : {}),
          });
        } catch (e) {
          // Before the first round the grid is empty, not missing; a round asked for by id must exist.
          if (typeof params.round === 'string' || !isAppError(e, 'NOT_FOUND')) throw e;
          return { title: 'Section 11 self-assessment', headers: ['Agency'], rows: [], notes: ['No Section 11 round has been started yet.'] };
        }
      },
    },
  ],
  subjectAccess: section11SubjectAccess,
  erasure: section11Erasure,
  // Indexed: only what its repository filters on; answers, narratives and histories are not.
  containers: { [SECTION11_CONTAINER]: { indexed: ['/kind', '/status', '/roundId'] } },
};
