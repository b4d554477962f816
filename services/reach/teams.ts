import { noticeCard } from '../../cards/views';
import { Directory } from '../people/repository';
import type { NotifyBy } from '../people/model';
import { setNotifyBy } from '../people/notify';
import { auditInTeams, type TextCommand } from '../kernel/route-context';

const SAID: Record<NotifyBy, string> = {
  teams: 'Messages come to you here in Teams (by email only if Teams cannot reach you).',
  email: 'Messages come to you by email from now on, each saying how to answer here in Teams.',
  both: 'Messages come to you both here in Teams and by email.',
};

/** The acting user's own choice of how to be reached; nobody can set it for someone else from the chat. */
export const REACH_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^notify (?:me )?by (teams|email|both)$/i,
    example: 'notify by email',
    description: 'Get your messages by email, or "notify by both" for Teams and email, "notify by teams" to go back.',
    run: async (ctx, match) => {
      const choice = match[1]!.toLowerCase() as NotifyBy;
      await setNotifyBy(new Directory(ctx.store), ctx.actor, choice, { emailEnabled: ctx.emailEnabled });
      auditInTeams(ctx, { kind: 'notification-settings', id: ctx.actor.id }, 'change', `notify by ${choice}`);
      return noticeCard('Notifications', SAID[choice], { tone: 'done' });
    },
  },
];
