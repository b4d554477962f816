import Bottleneck from 'bottleneck';
import type { Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import { personalConversationKey, type ConversationRecord } from '../conversations/model';
import { Conversations } from '../conversations/repository';
import { enqueue } from '../delivery/outbox';
import { Directory } from '../people/repository';
import { hasRole, type Person } from '../people/model';
import type { Store } from '../store/ports';
import type { ReachProblem, ReachState } from './model';
import { ReachRepository } from './repository';
import { GraphFailure, type GraphGateway } from './graph';

export type ReachSettings = {
  /** The home tenant: the only one the app can install itself in. */
  tenantId: string;
  catalogAppId: string;
  /** `28:<MicrosoftAppId>`, as Teams names the bot in a conversation. */
  botId: string;
  /** Bot Connector address for a chat opened by installing; Teams' install event later records the real one. */
  serviceUrl: string;
  installsPerSecond: number;
  retryDays: number;
};

export type ReachDeps = { store: Store; clock: Clock; graph: GraphGateway; settings: ReachSettings };

export type ReachSummary = {
  /** People the app was installed for in this run, now reachable in Teams. */
  installed: number;
  /** Already reachable in Teams: nothing to do. */
  alreadyReachable: number;
  /** Not reachable in Teams, by outcome (including those skipped until their retry date). */
  notReachable: Record<Exclude<ReachState['outcome'], 'installed'>, number>;
  /** Set when Graph refused the app itself: nobody was tried, and the administrators were told once. */
  permissionMissing?: string;
};

const PERMISSION_PROBLEM_ID = 'problem-graph-permission';
const DAY_MS = 86_400_000;

export function reachStateId(personId: string): string {
  return `person-${personId}`;
}

/**
 * Makes directory people of the home tenant reachable in Teams: for each active person with an
 * Entra id and no conversation with the bot, install the app for them through Graph, look up the
 * 1:1 chat the install created and record it as their conversation, so the outbox can deliver.
 *
 * A person who removed the app is never re-installed against their choice. A 403 on install is
 * either the app being blocked for that person (recorded, retried after `retryDays`) or the app
 * lacking its Graph permission: that stops the run and is reported to administrators once.
 */
export async function reachPeople(deps: ReachDeps, orgId: string): Promise<ReachSummary> {
  const { store, clock, graph, settings } = deps;
  const people = (await new Directory(store).all({ orgId })).filter((p) => p.active);
  const conversations = new Map((await new Conversations(store).personal(orgId)).map((c) => [c.id, c]));
  const reach = new ReachRepository(store);
  const states = new Map((await new ReachRepository(store).personStates(orgId)).map((s) => [s.id, s]));

  const summary: ReachSummary = {
    installed: 0,
    alreadyReachable: 0,
    notReachable: { blocked: 0, 'not-in-tenant': 0, 'removed-app': 0, 'no-entra-id': 0, failed: 0 },
  };
  const now = () => clock.now();
  const record = async (person: Person, outcome: ReachState['outcome'], reason: string, retry: boolean): Promise<void> => {
    const previous = states.get(reachStateId(person.id));
    const at = now();
    await reach.save({
      id: reachStateId(person.id),
      orgId,
      kind: 'person',
      personId: person.id,
      outcome,
      reason,
      attempts: (previous?.attempts ?? 0) + (retry ? 1 : 0),
      lastAttemptAt: at.toISOString(),
      ...(outcome !== 'installed' && retry ? { retryAfter: new Date(at.getTime() + settings.retryDays * DAY_MS).toISOString() } : {}),
    });
    if (outcome === 'installed') summary.installed++;
    else summary.notReachable[outcome]++;
  };

  const todo: Person[] = [];
  for (const person of people) {
    if (!person.aadObjectId) {
      // Without an Entra object id Graph cannot be asked; they are reached by email if they have one.
      if (states.get(reachStateId(person.id))?.outcome !== 'no-entra-id')
        await record(person, 'no-entra-id', 'not linked to a Microsoft 365 account in this organisation', false);
      else summary.notReachable['no-entra-id']++;
      continue;
    }
    const conversation = conversations.get(personalConversationKey(person.aadObjectId));
    if (conversation?.reachable) {
      summary.alreadyReachable++;
      continue;
    }
    if (conversation && !conversation.reachable) {
      const previous = states.get(reachStateId(person.id));
      if (previous?.outcome !== 'removed-app')
        await record(person, 'removed-app', conversation.unreachableReason ?? 'removed or blocked the app in Teams', false);
      else summary.notReachable['removed-app']++;
      continue;
    }
    const previous = states.get(reachStateId(person.id));
    if (previous?.retryAfter && previous.retryAfter > now().toISOString() && previous.outcome !== 'installed') {
      summary.notReachable[previous.outcome]++;
      continue;
    }
    todo.push(person);
  }

  // Graph throttles per app and tenant; pacing here keeps the run inside the limit rather than leaning on 429s.
  const limiter = new Bottleneck({ maxConcurrent: 1, minTime: Math.ceil(1000 / settings.installsPerSecond) });
  for (const person of todo) {
    const aadObjectId = person.aadObjectId as string;
    const result = await limiter.schedule(() => installFor(graph, settings.catalogAppId, aadObjectId));
    if (result.kind === 'permission-missing') {
      summary.permissionMissing = result.detail;
      await reportPermissionProblem(deps, orgId, result.detail);
      return summary;
    }
    if (result.kind === 'installed') {
      const at = now().toISOString();
      const conversations = new Conversations(store);
      const fresh: ConversationRecord = {
        id: personalConversationKey(aadObjectId),
        orgId,
        kind: 'personal',
        tenantId: settings.tenantId,
        conversationId: result.chatId,
        serviceUrl: settings.serviceUrl,
        botId: settings.botId,
        personId: person.id,
        reachable: true,
        installedAt: at,
        updatedAt: at,
      };
      // Teams tells the bot of the install at once, and the bot may have recorded the chat first,
      // with who it is: that record stays, made reachable and linked (etag), not replaced.
      await conversations.create(fresh).catch(async (e: unknown) => {
        if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
        await conversations.update(orgId, fresh.id, (c) => {
          const { unreachableReason: _gone, ...kept } = c;
          return { ...kept, personId: c.personId ?? person.id, reachable: true, updatedAt: at };
        });
      });
      await record(person, 'installed', 'the app was installed for them', true);
    } else {
      await record(person, result.kind, result.reason, true);
    }
  }
  // Graph answered for someone without refusing the app itself: any earlier permission problem is fixed.
  if (todo.length > 0) await clearPermissionProblem(deps, orgId);
  return summary;
}

type InstallResult =
  { kind: 'installed'; chatId: string } | { kind: 'blocked' | 'not-in-tenant' | 'failed'; reason: string } | { kind: 'permission-missing'; detail: string };

async function installFor(graph: GraphGateway, catalogAppId: string, userId: string): Promise<InstallResult> {
  try {
    await graph.installApp(userId, catalogAppId);
  } catch (e) {
    if (!(e instanceof GraphFailure)) return { kind: 'failed', reason: `Graph could not be reached (${errorText(e)})` };
    if (e.status === 404) return { kind: 'not-in-tenant', reason: 'not a user of this organisation’s Microsoft 365 tenant (a partner agency or a guest)' };
    if (e.status !== 403) return { kind: 'failed', reason: `Graph answered ${e.status} ${e.code}` };
    // Graph gives 403 both when the app lacks its permission and when a policy blocks the app for
    // this person. Reading the person's installed apps needs only the permission: if that is refused too, it is the permission.
    try {
      await graph.findInstallation(userId, catalogAppId);
    } catch (probe) {
      if (probe instanceof GraphFailure && probe.status === 403) return { kind: 'permission-missing', detail: probe.message };
    }
    return { kind: 'blocked', reason: `the app is blocked for them in Teams (${e.message})` };
  }
  try {
    const installationId = await graph.findInstallation(userId, catalogAppId);
    if (!installationId) return { kind: 'failed', reason: 'Graph accepted the install but does not list it yet' };
    return { kind: 'installed', chatId: await graph.chatId(userId, installationId) };
  } catch (e) {
    return {
      kind: 'failed',
      reason: e instanceof GraphFailure ? `Graph answered ${e.status} ${e.code} looking up the chat` : `Graph could not be reached (${errorText(e)})`,
    };
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One notice per administrator per occurrence of the problem, however many people it affects and however many runs see it. */
async function reportPermissionProblem(deps: ReachDeps, orgId: string, detail: string): Promise<void> {
  const reach = new ReachRepository(deps.store);
  const at = deps.clock.now().toISOString();
  const current = (await reach.read(orgId, PERMISSION_PROBLEM_ID)) as ReachProblem | undefined;
  const problem: ReachProblem = current && !current.clearedAt ? current : { id: PERMISSION_PROBLEM_ID, orgId, kind: 'problem', since: at, detail };
  if (problem !== current) await reach.save(problem);
  const admins = (await new Directory(deps.store).all({ orgId })).filter((p) => p.active && hasRole(p, 'admin'));
  for (const admin of admins) {
    await enqueue(deps.store, deps.clock, {
      id: `reach-permission-${problem.since.replace(/[^0-9]/g, '')}-to-${admin.id}`,
      orgId,
      purpose: 'admin-notice',
      recipient: { personId: admin.id },
      message: {
        kind: 'notice',
        title: 'The tracker cannot install itself for people in Teams',
        text:
          `Microsoft Graph refused to let the app install the Safeguarding Action Tracker for people who have not opened it (${problem.detail}). ` +
          'Until this is fixed, people who have never opened the app get no reminders in Teams. To fix it, a Global or Privileged Role Administrator grants the app registration ' +
          'the Microsoft Graph application permission TeamsAppInstallation.ReadWriteSelfForUser.All with admin consent, and a Teams administrator makes sure the app is allowed ' +
          'in the Teams admin centre. The next daily run will then install it.',
      },
    });
  }
}

async function clearPermissionProblem(deps: ReachDeps, orgId: string): Promise<void> {
  const reach = new ReachRepository(deps.store);
  const current = (await reach.read(orgId, PERMISSION_PROBLEM_ID)) as ReachProblem | undefined;
  if (current && !current.clearedAt) await reach.save({ ...current, clearedAt: deps.clock.now().toISOString() });
}
