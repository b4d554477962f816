import type { z } from 'zod';
import type { Actor, Requester } from '../access/policy';
import type { AuditRecordRef } from '../audit/model';
import type { Clock } from '../core/clock';
import type { Report } from '../core/report';
import type { DomainEvents } from '../events/domain-events';
import type { Organisation } from '../organisation/model';
import type { Person } from '../people/model';
import type { WorkingCalendar } from '../scheduling/calendar';
import type { JobTable } from '../scheduling/job-context';
import type { ContainerSpec } from '../store/containers';
import type { Store } from '../store/ports';
import type { Command } from './cli-command';
import type { AdaptiveCardJson } from '../core/adaptive-card';
import type { MessageOf, StoredMessageKind } from '../delivery/messages';
import type { EmailHelpers, MessageKind } from './message-kinds';
import type { CardRoute, TextCommand } from './route-context';

/** What a report is built from: the organisation read once by the host, and the store. */
/** `asAt`: the date the board report is as at, when a report is one of its sections; otherwise today. */
export type ReportContext = { store: Store; clock: Clock; calendar: WorkingCalendar; organisation: Organisation; asAt?: string };

/**
 * A report every surface offers from this one declaration: `report <name>` in Teams (a card),
 * `tracker report <name> [--<param> value] [--format csv|xlsx]` on the command line, and
 * /api/tab/reports/<name> in the tab (its generic report page). `params` are named text values
 * (Teams: `name=value`, command line: `--name value`, tab: the query string), checked by zod.
 */
export type ReportDefinition = {
  name: string;
  title: string;
  description: string;
  /** Each key is a parameter; every value arrives as text (or absent), so use z.string(), z.enum() or z.coerce. */
  params?: z.ZodObject;
  /** Who may see it: the same rule the use case enforces (the operator at the command line always may). */
  allowed: (actor: Actor, organisation: Organisation) => boolean;
  build: (ctx: ReportContext, requester: Requester, params: Record<string, unknown>) => Promise<Report | Report[]>;
  /** For a report that names people: what the viewer saw, for the audit trail. */
  audited?: (params: Record<string, unknown>) => AuditRecordRef | undefined;
  /** Also a section of the partnership's board report (built with no parameters), for those allowed to see it. */
  inBoardReport?: true;
};

/**
 * The renderers of the message kinds a feature declared into OutboundMessageKinds
 * (services/delivery/messages.ts), which the outbox holds under their own `kind`: each renderer
 * is given the whole message as it was queued.
 */
export type StoredMessages = {
  [K in StoredMessageKind]?: {
    card: (message: MessageOf<K>, botId: string) => AdaptiveCardJson;
    /** As MessageKind's email: everything it writes escaped with `html`. */
    email: (message: MessageOf<K>, helpers: EmailHelpers) => { subject: string; body: string };
    notifies?: (message: MessageOf<K>) => boolean;
  };
};

/**
 * What a feature holds about one person, for their subject access request (UK GDPR Art. 15): its
 * records as plain data for the JSON export, and `sheets`, the same as tables for the XLSX one (a
 * function, so the JSON file holds the records once). Only what is about the person (what they
 * wrote, did or are named in), never other people's text around it.
 */
export type SubjectAccessPart = { title: string; records: Record<string, unknown[]>; sheets: () => Report[]; notes?: string[] };
export type SubjectAccessContributor = (deps: { store: Store; clock: Clock }, orgId: string, person: Person) => Promise<SubjectAccessPart>;

/** One line of what erasing a leaver does: printed by a dry run, and after the erasure. */
export type ErasureStep = { what: string; count: number; how: 'deleted' | 'anonymised' };
/** Who a record that outlives the leaver is attributed to instead of them: the same for every record. */
export type FormerStaff = { readonly name: string };
/**
 * What a feature does when a leaver is erased: `steps` says what it will change (counted before
 * anything changes, so a dry run shows it), and `erase` does it, through the feature's repository,
 * each document changed with its etag (re-applied on a conflict). Records that outlive the person
 * keep what they say and name `former` where they named them; nothing the person wrote is deleted
 * from the partnership's record.
 */
export type ErasurePart = { steps: ErasureStep[]; erase: () => Promise<void> };
export type ErasureContributor = (deps: { store: Store; clock: Clock }, orgId: string, person: Person, former: FormerStaff) => Promise<ErasurePart>;

/**
 * One feature: everything it offers, declared beside its code in its `module.ts`. The hosts (the
 * Teams bot, the command line, the tab server, the scheduler, the event bus and the store's set-up)
 * loop over the list of modules in bot/modules.ts, so adding a feature touches no central table.
 */
export type FeatureModule = {
  name: string;
  /** Card verbs (`data.verb` of an Action.Submit / Action.Execute) and their routes. */
  cardRoutes?: Record<string, CardRoute>;
  /** Typed commands in Teams, matched after the kernel's own (help). */
  textCommands?: TextCommand[];
  /** Command-line areas by their first word, each loaded only when one of its commands runs. */
  cli?: Record<string, () => Promise<Record<string, Command>>>;
  jobs?: JobTable;
  /** Registers the feature's reactions to domain events: the receiving feature owns the handler. */
  events?: (bus: DomainEvents, deps: { calendar: WorkingCalendar }) => void;
  /** Outbound message kinds by type; types are namespaced by the module (`section11.request`). */
  messages?: Record<string, MessageKind>;
  /**
   * The renderers of the kinds the feature queued before modules declared their own, under their
   * old top-level names (`reminder-digest`): the outbox holds items so, so the names and shapes stay.
   * A new kind goes in `messages`.
   */
  storedMessages?: StoredMessages;
  reports?: ReportDefinition[];
  /** What the feature holds about a person, for the subject access export (which loops over the modules and knows none of them). */
  subjectAccess?: SubjectAccessContributor;
  /** What the feature anonymises when a leaver is erased (which loops over the modules and knows none of them). */
  erasure?: ErasureContributor;
  /** The feature's own containers, each partitioned by /orgId like every other. */
  containers?: Record<string, ContainerSpec>;
};
