import {
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  type Activity,
} from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/render';
import { errorCard, helpCard, noticeCard, welcomeCard } from '../cards/views';
import type { Clock } from '../services/core/clock';
import type { Config } from '../services/core/config';
import { AppError, isAppError } from '../services/core/errors';
import type { Logger } from '../services/core/logger';
import { linkPerson, recordChannelInstall, recordPersonalInstall, recordUninstall, type Installer } from '../services/conversations/installations';
import { channelConversationKey, personalConversationKey } from '../services/conversations/model';
import { Directory, matchByName } from '../services/people/directory';
import type { Person } from '../services/people/model';
import { personForSignIn } from '../services/people/sign-in';
import { ensureOrganisation } from '../services/people/organisations';
import { ActionPlan } from '../services/plan/actions';
import type { Organisation } from '../services/plan/model';
import type { DomainEvents } from '../services/events/domain-events';
import type { WorkingCalendar } from '../services/scheduling/calendar';
import type { Store } from '../services/store/ports';
import { recordSeen } from '../services/delivery/seen';
import { CARD_ROUTES, TEXT_COMMANDS, type RouteContext } from './card-routes';
import type { AnswerSeal } from '../services/surveys/seal';

export type BotDeps = { config: Config; logger: Logger; store: Store; clock: Clock; calendar: WorkingCalendar; events: DomainEvents; seal: AnswerSeal };

const ACTOR_CACHE_LIMIT = 10_000;

const card = (json: AdaptiveCardJson) => CardFactory.adaptiveCard(json);

/**
 * Teams transport: turns activities into use-case calls and use-case results into cards.
 * Identity is always the activity's `from.aadObjectId`, never anything inside card data.
 */
export class TrackerBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.recordInstall(context, true);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.recordRemoval(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      // Some clients send only conversationUpdate when the bot is added; record it the same way.
      const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient.id);
      if (botAdded) await this.recordInstall(context, false);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.handleText(context);
      await next();
    });
  }

  private get orgId(): string {
    // One organisation per deployment; every allowed tenant (council and partners) belongs to it.
    return this.deps.config.DEFAULT_ORG_ID;
  }

  private organisationCache?: { value: Promise<Organisation>; until: number };

  /** Organisation settings change rarely; reading them once per 30 s saves a store call per turn. */
  private organisation(): Promise<Organisation> {
    const now = Date.now();
    if (!this.organisationCache || this.organisationCache.until < now) {
      const value = ensureOrganisation(this.deps.store, this.deps.clock, this.orgId, { timeZone: this.deps.config.DEFAULT_TIME_ZONE });
      value.catch(() => (this.organisationCache = undefined));
      this.organisationCache = { value, until: now + 30_000 };
    }
    return this.organisationCache.value;
  }

  private tenantOf(activity: Activity): string {
    return (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? activity.conversation.tenantId ?? '';
  }

  private async installer(context: TurnContext): Promise<Installer | undefined> {
    const from = context.activity.from;
    if (!from.aadObjectId) return undefined;
    let email: string | undefined;
    let userPrincipalName: string | undefined;
    try {
      const member = await TeamsInfo.getMember(context, from.id);
      email = member.email ?? undefined;
      userPrincipalName = member.userPrincipalName ?? undefined;
    } catch (e) {
      this.deps.logger.warn({ err: e }, 'Teams member look-up failed; linking by object id or name only');
    }
    return { aadObjectId: from.aadObjectId, teamsUserId: from.id, name: from.name ?? '', email, userPrincipalName };
  }

  private async recordInstall(context: TurnContext, explicit: boolean): Promise<void> {
    const a = context.activity;
    const base = { orgId: this.orgId, tenantId: this.tenantOf(a), conversationId: a.conversation.id, serviceUrl: a.serviceUrl, botId: a.recipient.id };
    if (a.conversation.conversationType === 'channel' || a.conversation.conversationType === 'groupChat') {
      const team = (a.channelData as { team?: { id: string; name?: string }; channel?: { id: string } } | undefined) ?? {};
      await recordChannelInstall(this.deps, { ...base, team: { id: team.team?.id ?? a.conversation.id, name: team.team?.name, channelId: team.channel?.id } });
      if (explicit) await context.sendActivity({ attachments: [card(noticeCard('Safeguarding Action Tracker added', 'Escalation alerts for this team will be posted in this channel.'))] });
      return;
    }
    const user = await this.installer(context);
    if (!user) return;
    const { link, firstContact } = await recordPersonalInstall(this.deps, { ...base, user });
    if (link.kind === 'ambiguous') this.deps.logger.warn({ candidates: link.candidates }, 'installer matches several people by name; an administrator must link them');
    if (!firstContact) return;
    const openCount = link.kind === 'linked' ? (await new ActionPlan(this.deps.store).openActionsLedBy(this.orgId, link.person.id)).length : 0;
    await context.sendActivity({ attachments: [card(welcomeCard(user.name, link.kind === 'linked', openCount))] });
  }

  private async recordRemoval(context: TurnContext): Promise<void> {
    const a = context.activity;
    const key = a.conversation.conversationType === 'personal' && a.from.aadObjectId ? personalConversationKey(a.from.aadObjectId) : channelConversationKey(a.conversation.id);
    await recordUninstall(this.deps, { orgId: this.orgId, key, reason: 'app uninstalled' });
  }

  private readonly actors = new Map<string, { person: Person; until: number }>();

  /**
   * The directory person behind the acting Teams user, linking them on first contact. Kept for
   * 30 s per user (a card answer is usually a burst of invokes), so a change of role or leaving
   * takes effect within 30 s.
   */
  private async actor(context: TurnContext): Promise<Person> {
    const aadObjectId = context.activity.from.aadObjectId;
    if (!aadObjectId) throw new AppError('UNAUTHENTICATED', 'Teams did not say who you are, so I cannot act on this.');
    const now = Date.now();
    const cached = this.actors.get(aadObjectId);
    const person =
      cached && cached.until > now
        ? cached.person
        : await personForSignIn(this.deps.store, this.orgId, aadObjectId, {
            fallback: async () => {
              const link = await linkPerson(this.deps.store, this.orgId, (await this.installer(context))!);
              return link.kind === 'linked' ? link.person : this.localStandIn();
            },
          });
    if (this.actors.size >= ACTOR_CACHE_LIMIT) this.actors.delete(this.actors.keys().next().value!);
    this.actors.set(aadObjectId, { person, until: cached && cached.until > now ? cached.until : now + 30_000 });
    return person;
  }

  /** In local mode only, LOCAL_ACT_AS lets someone trying the bot act as a directory person. */
  private async localStandIn(): Promise<Person | undefined> {
    const who = this.deps.config.localMode ? this.deps.config.LOCAL_ACT_AS : undefined;
    if (!who) return undefined;
    const directory = new Directory(this.deps.store);
    if (who.includes('@')) return directory.byEmail(this.orgId, who);
    const match = matchByName(await directory.all(this.orgId), who);
    return match.kind === 'found' ? match.person : undefined;
  }

  private async routeContext(context: TurnContext): Promise<RouteContext> {
    const [actor, organisation] = await Promise.all([this.actor(context), this.organisation()]);
    return { store: this.deps.store, clock: this.deps.clock, logger: this.deps.logger, calendar: this.deps.calendar, events: this.deps.events, seal: this.deps.seal, actor, organisation };
  }

  /** Any press on a card the bot sent marks that message seen; a failure here never stops the press itself. */
  private async recordSeen(context: TurnContext): Promise<void> {
    const { replyToId, from } = context.activity;
    if (!replyToId || !from?.aadObjectId) return;
    try {
      await recordSeen(this.deps.store, this.deps.clock, { orgId: this.deps.config.DEFAULT_ORG_ID, aadObjectId: from.aadObjectId, activityId: replyToId });
    } catch (e) {
      this.deps.logger.warn({ err: e }, 'could not record a card as seen');
    }
  }

  /** Known failures become a card the user understands; anything else is logged and apologised for. */
  private failureCard(e: unknown, where: string): AdaptiveCardJson {
    if (isAppError(e)) {
      this.deps.logger.info({ code: e.code, where }, 'request refused');
      return errorCard(e);
    }
    this.deps.logger.error({ err: e, where }, 'unexpected failure');
    return noticeCard('Something went wrong', 'Sorry, that did not work on our side. Nothing was changed. Please try again in a moment.', { code: 'INTERNAL', color: 'Attention' });
  }

  private async handleText(context: TurnContext): Promise<void> {
    const text = (TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
    const command = TEXT_COMMANDS.map((c) => ({ c, match: text.match(c.pattern) })).find((x) => x.match);
    let reply: AdaptiveCardJson;
    if (!command) {
      reply = helpCard(text ? `I did not understand "${text.slice(0, 60)}". Here is what I can do:` : '');
    } else {
      try {
        reply = await command.c.run(await this.routeContext(context), command.match!);
      } catch (e) {
        reply = this.failureCard(e, 'text command');
      }
    }
    await context.sendActivity({ attachments: [card(reply)] });
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = invokeValue.action.verb;
    await this.recordSeen(context);
    const route = Object.hasOwn(CARD_ROUTES, verb) ? CARD_ROUTES[verb] : undefined;
    let value: AdaptiveCardJson;
    if (!route) {
      value = this.failureCard(new AppError('UNKNOWN_VERB', 'This card is from an older version of the app. Type "my actions" to get a fresh one.'), 'card');
    } else {
      try {
        value = await route(await this.routeContext(context), invokeValue.action.data ?? {});
      } catch (e) {
        value = this.failureCard(e, `card ${verb}`);
      }
    }
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value };
  }
}
