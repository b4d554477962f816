import {
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  CardFactory,
  type Activity,
  ActivityTypes,
} from 'botbuilder';
import { nameText, type AdaptiveCardJson } from '../cards/render';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { errorCard, noticeCard, personalPointerCard, welcomeCard } from '../cards/views';
import type { Clock } from '../services/core/clock';
import type { Config } from '../services/core/config';
import { AppError, ERRORS, isAppError } from '../services/core/errors';
import type { Logger } from '../services/core/logger';
import {
  linkPerson,
  recordChannelInstall,
  recordPersonalInstall,
  recordUninstall,
  recordUnlinkedAttempt,
  type Installer,
  type LinkPolicy,
  type LinkResult,
} from '../services/conversations/installations';
import { channelConversationKey, personalConversationKey } from '../services/conversations/model';
import { Directory } from '../services/people/repository';
import { linkForLocalTrial } from '../services/people/links';
import { matchByName } from '../services/people/model';
import type { Person } from '../services/people/model';
import { requireActivePerson } from '../services/people/sign-in';
import type { SignInRoles } from '../services/reach/group-roles';
import { ensureOrganisation } from '../services/organisation/organisations';
import { ActionPlan } from '../services/plan/repository';
import type { Organisation } from '../services/organisation/model';
import type { DomainEvents } from '../services/events/domain-events';
import type { WorkingCalendar } from '../services/scheduling/calendar';
import type { Store } from '../services/store/ports';
import { recordSeen } from '../services/delivery/seen';
import { noteRoundMessagesSeen } from '../services/rounds/rounds';
import { CARD_ROUTES, commandHelpCard, findCommand, type RouteContext } from './card-routes';
import type { AnswerSeal } from '../services/surveys/seal';
import type { RouteScope } from '../services/kernel/route-context';
import { correlationId } from '../services/core/correlation';

/** `kickRoundUpkeep` sets up a just-started update round now rather than at the upkeep's next minute. */
export type BotDeps = {
  config: Config;
  logger: Logger;
  store: Store;
  clock: Clock;
  calendar: WorkingCalendar;
  events: DomainEvents;
  seal: AnswerSeal;
  signInRoles: SignInRoles;
  kickRoundUpkeep?: () => void;
};

const ACTOR_CACHE_LIMIT = 10_000;
/** A change of role, a leaver or an unlink takes effect within this long. */
const ACTOR_CACHE_MS = 30_000;
/** Someone not linked is not looked up again (store, Teams' member API) for this long. */
const FAILED_LOOKUP_MS = 60_000;

const card = (json: AdaptiveCardJson) => CardFactory.adaptiveCard(json);

/** What a team is told when the bot is added: who added it, and exactly what it will post there. */
function channelWelcome(addedBy: string): string {
  const who = nameText(addedBy).trim();
  return [
    who ? `${who} added me to this team.` : 'I have been added to this team.',
    'I post here only escalation alerts for the stages of the escalation ladder that name this channel, each with its reference, stage and deadline and a link to my 1:1 chat: never a name, a case reference or what the concern is about.',
    'Everything else (reminders, updates, reports) I answer only in a 1:1 chat with me.',
  ].join(' ');
}

type Actor = { person: Person } | { person?: undefined; refusal: AppError };

/**
 * Teams transport: turns activities into use-case calls and use-case results into cards.
 * Identity is always the activity's `from.aadObjectId` in its tenant, never anything inside card
 * data; each route declares whether it may answer outside a 1:1 chat, and this class enforces it.
 */
/** The part of an Action.Execute invoke botbuilder relies on; the verb's own route validates `data`. */
const CARD_ACTION_VALUE = z.object({ action: z.object({ type: z.literal('Action.Execute'), verb: z.string() }) });

export class TrackerBot extends TeamsActivityHandler {
  private readonly policy: LinkPolicy;
  private readonly actors: LRUCache<string, Actor>;
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly deps: BotDeps) {
    super();
    this.policy = { homeTenantId: deps.config.HOME_TENANT_ID, verifiedDomains: deps.config.VERIFIED_DOMAINS };
    this.actors = new LRUCache<string, Actor>({ max: ACTOR_CACHE_LIMIT, ttl: ACTOR_CACHE_MS });
    this.limiter = new RateLimiterMemory({ points: deps.config.COMMANDS_PER_MINUTE, duration: 60 });
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

  private installer(context: TurnContext): Installer | undefined {
    const from = context.activity.from;
    if (!from.aadObjectId) return undefined;
    return { aadObjectId: from.aadObjectId, tenantId: this.tenantOf(context.activity), teamsUserId: from.id, name: from.name ?? '' };
  }

  /** The user's UPN from Teams' member API; asked only when a UPN could link them (home tenant, verified domains). */
  private async userPrincipalName(context: TurnContext): Promise<string | undefined> {
    try {
      return (await TeamsInfo.getMember(context, context.activity.from.id)).userPrincipalName ?? undefined;
    } catch (e) {
      this.deps.logger.warn({ err: e }, 'Teams member look-up failed; linking by object id only');
      return undefined;
    }
  }

  /**
   * A 1:1 chat, where only the user sees the answer. Teams always names the type; a client that
   * does not (the Emulator) is taken as 1:1 only when it does not say the conversation is a group.
   */
  private isPersonal(activity: Activity): boolean {
    const type = activity.conversation.conversationType;
    return type === 'personal' || (type === undefined && activity.conversation.isGroup !== true);
  }

  private async recordInstall(context: TurnContext, explicit: boolean): Promise<void> {
    const a = context.activity;
    const base = { orgId: this.orgId, tenantId: this.tenantOf(a), conversationId: a.conversation.id, serviceUrl: a.serviceUrl, botId: a.recipient.id };
    if (!this.isPersonal(a)) {
      const team = (a.channelData as { team?: { id: string; name?: string }; channel?: { id: string } } | undefined) ?? {};
      await recordChannelInstall(this.deps, { ...base, team: { id: team.team?.id ?? a.conversation.id, name: team.team?.name, channelId: team.channel?.id } });
      if (explicit) await context.sendActivity({ attachments: [card(noticeCard('Safeguarding Action Tracker added', channelWelcome(a.from?.name ?? '')))] });
      return;
    }
    const user = this.installer(context);
    if (!user) return;
    await this.linkLocalStandIn(user);
    const { link, firstContact } = await recordPersonalInstall(
      { ...this.deps, policy: this.policy },
      { ...base, user, userPrincipalName: () => this.userPrincipalName(context) },
    );
    if (link.kind === 'unknown') this.deps.logger.info({ reason: link.reason, tenant: user.tenantId }, 'installer is not linked to the directory');
    this.actors.delete(this.actorKey(user));
    if (!firstContact) return;
    const openCount = link.kind === 'linked' ? (await new ActionPlan(this.deps.store).openActionsLedBy(this.orgId, link.person.id)).length : 0;
    // The directory's name when linked: the Agents Playground, for one, sends no name with an install.
    await context.sendActivity({ attachments: [card(welcomeCard(link.kind === 'linked' ? link.person.name : user.name, link.kind === 'linked', openCount))] });
  }

  private async recordRemoval(context: TurnContext): Promise<void> {
    const a = context.activity;
    const key = this.isPersonal(a) && a.from.aadObjectId ? personalConversationKey(a.from.aadObjectId) : channelConversationKey(a.conversation.id);
    await recordUninstall(this.deps, { orgId: this.orgId, key, reason: 'app uninstalled' });
  }

  private actorKey(user: Pick<Installer, 'tenantId' | 'aadObjectId'>): string {
    return `${user.tenantId.toLowerCase()}|${user.aadObjectId}`;
  }

  /**
   * The directory person behind the acting Teams user in the activity's tenant, linked by a
   * verified key only. Kept briefly per user and tenant (a card answer is usually a burst of
   * invokes); so is a failed look-up, so an unlinked user's messages cost no directory reads.
   */
  private async actor(context: TurnContext): Promise<Person> {
    const user = this.installer(context);
    if (!user) throw new AppError('UNAUTHENTICATED', 'Teams did not say who you are, so I cannot act on this.');
    const key = this.actorKey(user);
    let actor = this.actors.get(key);
    if (!actor) {
      actor = await this.lookUpActor(context, user);
      this.actors.set(key, actor, { ttl: actor.person ? ACTOR_CACHE_MS : FAILED_LOOKUP_MS });
    }
    if (!actor.person) throw actor.refusal;
    return actor.person;
  }

  private async lookUpActor(context: TurnContext, user: Installer): Promise<Actor> {
    // In local mode LOCAL_ACT_AS decides who this is, whoever the account was linked to before.
    const standIn = await this.linkLocalStandIn(user);
    const link: LinkResult = standIn
      ? { kind: 'linked', person: standIn, by: 'aadObjectId' }
      : await linkPerson(this.deps.store, this.orgId, user, this.policy, () => this.userPrincipalName(context));
    if (link.kind === 'linked') {
      try {
        // Signing in brings their roles up to date: the bootstrap setting and their Entra groups.
        return { person: await this.deps.signInRoles.refresh(requireActivePerson(link.person)) };
      } catch (e) {
        if (isAppError(e)) return { refusal: e };
        throw e;
      }
    }
    if (link.reason === 'other-tenant') this.deps.logger.warn({ tenant: user.tenantId }, 'object id linked in another tenant; refused');
    else await recordUnlinkedAttempt(this.deps, { orgId: this.orgId, user, reason: link.reason });
    return { refusal: new AppError('NOT_IN_DIRECTORY', `${ERRORS.NOT_IN_DIRECTORY.message} Give them this reference: ${user.aadObjectId}.`) };
  }

  /** In local mode only, LOCAL_ACT_AS lets someone trying the bot act as a directory person. */
  private async localStandIn(): Promise<Person | undefined> {
    const who = this.deps.config.localMode ? this.deps.config.LOCAL_ACT_AS : undefined;
    if (!who) return undefined;
    const directory = new Directory(this.deps.store);
    if (who.includes('@')) return directory.byEmail({ orgId: this.orgId }, who);
    const match = matchByName(await directory.all({ orgId: this.orgId }), who);
    return match.kind === 'found' ? match.person : undefined;
  }

  /**
   * The LOCAL_ACT_AS person, linked to the account the bot is being tried from, so that what the
   * bot sends them (an escalation alert, a questionnaire invitation) reaches this chat too.
   */
  private async linkLocalStandIn(user: Installer): Promise<Person | undefined> {
    const standIn = await this.localStandIn();
    if (!standIn) return undefined;
    const linked = await linkForLocalTrial(this.deps, { orgId: this.orgId, person: standIn, aadObjectId: user.aadObjectId, tenantId: user.tenantId });
    if (linked !== standIn)
      this.deps.logger.info({ person: standIn.id }, 'local mode: LOCAL_ACT_AS linked to the account trying the bot, so its messages reach that chat');
    return linked;
  }

  /** With the answer seal, which the questionnaire routes read (RouteContext's deps, wired here as the job's are in app.ts). */
  private async routeContext(context: TurnContext): Promise<RouteContext<{ seal: AnswerSeal }>> {
    const [actor, organisation] = await Promise.all([this.actor(context), this.organisation()]);
    return {
      store: this.deps.store,
      clock: this.deps.clock,
      logger: this.deps.logger,
      calendar: this.deps.calendar,
      events: this.deps.events,
      seal: this.deps.seal,
      actor,
      organisation,
      emailEnabled: !!this.deps.config.MAIL_SENDER,
    };
  }

  /** Any press on a card the bot sent marks that message seen; a failure here never stops the press itself. */
  private async recordSeen(context: TurnContext): Promise<void> {
    const { replyToId, from } = context.activity;
    if (!replyToId || !from?.aadObjectId) return;
    try {
      const marked = await recordSeen(this.deps.store, this.deps.clock, {
        orgId: this.deps.config.DEFAULT_ORG_ID,
        aadObjectId: from.aadObjectId,
        activityId: replyToId,
      });
      // A round's request opened for the first time changes its summary's "seen".
      if (marked.length > 0) await noteRoundMessagesSeen(this.deps, marked);
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
    return noticeCard(
      'Something went wrong',
      `Sorry, that did not work on our side. Nothing was changed. Please try again in a moment. If it happens again, give your administrator this reference: ${correlationId() ?? 'none'}.`,
      { code: 'INTERNAL', tone: 'problem' },
    );
  }

  /**
   * Every activity spends one of its sender's points before anything else is done with it, so a
   * flood (of any activity, an unknown verb included) is refused without a store read or write.
   * A refused message or card press is told to slow down; anything else is dropped.
   */
  protected override async onTurnActivity(context: TurnContext): Promise<void> {
    const a = context.activity;
    let withinLimit = true;
    try {
      await this.limiter.consume(a.from?.aadObjectId ?? a.from?.id ?? '');
    } catch (e) {
      if (e instanceof Error) throw e; // the limiter's own failure, not a refusal
      withinLimit = false;
    }
    if (withinLimit) return super.onTurnActivity(context);
    const refused = new AppError('RATE_LIMITED');
    this.deps.logger.info({ code: refused.code, type: String(a.type).slice(0, 40) }, 'request refused');
    if (a.type === ActivityTypes.Message) {
      await context.sendActivity({ attachments: [card(errorCard(refused))] });
    } else if (a.type === ActivityTypes.Invoke) {
      const body: AdaptiveCardInvokeResponse | { code: string; message: string } =
        a.name === 'adaptiveCard/action'
          ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: errorCard(refused) }
          : { code: refused.code, message: refused.message };
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: a.name === 'adaptiveCard/action' ? 200 : refused.status, body } });
    }
  }

  /**
   * The one gate every typed command and card action passes (after the rate limit): the
   * route's scope (outside a 1:1 chat only `anywhere` routes answer; the rest get a pointer to the
   * 1:1 chat), then the route itself with the acting person.
   */
  private async dispatch(
    context: TurnContext,
    scope: RouteScope,
    run: (ctx: RouteContext) => Promise<AdaptiveCardJson>,
    where: string,
  ): Promise<AdaptiveCardJson> {
    const a = context.activity;
    if (scope !== 'anywhere' && !this.isPersonal(a)) return personalPointerCard(a.recipient.id);
    try {
      return await run(await this.routeContext(context));
    } catch (e) {
      return this.failureCard(e, where);
    }
  }

  private async handleText(context: TurnContext): Promise<void> {
    const text = (TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
    const found = findCommand(text);
    let reply: AdaptiveCardJson;
    if (!found) {
      reply = this.isPersonal(context.activity)
        ? commandHelpCard(text ? `I did not understand "${text.slice(0, 60)}". Here is what I can do:` : '')
        : personalPointerCard(context.activity.recipient.id);
    } else {
      reply = await this.dispatch(context, found.command.scope, (ctx) => found.command.run(ctx, found.match), 'text command');
    }
    await context.sendActivity({ attachments: [card(reply)] });
    found?.command.afterAnswer?.(this.deps);
  }

  /** The only invoke this bot answers is a card's Action.Execute; any other is refused plainly, where botbuilder would answer 501. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const { name, value } = context.activity;
    // botbuilder reads value.action.type unchecked: a malformed value would throw and the adapter answer 501.
    if (name === 'adaptiveCard/action' && CARD_ACTION_VALUE.safeParse(value).success) return super.onInvokeActivity(context);
    const refused = new AppError(name === 'adaptiveCard/action' ? 'MALFORMED_CARD_ACTION' : 'UNSUPPORTED_INVOKE');
    this.deps.logger.info({ code: refused.code, name: String(context.activity.name ?? '').slice(0, 60) }, 'request refused');
    return { status: refused.status, body: { code: refused.code, message: refused.message } };
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = invokeValue.action.verb;
    const route = Object.hasOwn(CARD_ROUTES, verb) ? CARD_ROUTES[verb] : undefined;
    let value: AdaptiveCardJson;
    if (!route) {
      // Nothing is looked up or recorded for a verb no route knows, not even the press as seen.
      value = this.failureCard(new AppError('UNKNOWN_VERB', 'This card is from an older version of the app. Type "my actions" to get a fresh one.'), 'card');
    } else {
      await this.recordSeen(context);
      // Unknown verbs say nothing about anyone, so they need no scope; every known one declares its own.
      value = await this.dispatch(context, route.scope, (ctx) => route.run(ctx, invokeValue.action.data ?? {}), `card ${verb}`);
    }
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value };
  }
}
