import { z } from 'zod';
import type { Clock } from '../core/clock';
import { formatDate, today } from '../core/dates';
import { AppError } from '../core/errors';
import type { MessageOf, OutboundMessage } from '../delivery/messages';
import { enqueue } from '../delivery/outbox';
import { Directory } from '../people/repository';
import { matchByName } from '../people/model';
import type { Person, Role } from '../people/model';
import {
  agencyOf,
  isPartnershipAdministrator,
  mayActForCaseAgency,
  mayActOnEscalation,
  mayBeAssignedCase,
  mayViewEscalation,
  mayViewForCaseAgency,
  type Partnership,
} from '../access/policy';
import { partnershipFor } from '../organisation/organisations';
import type { PersonRef } from '../plan';
import type { Organisation } from '../organisation/model';
import type { WorkingCalendar } from '../scheduling/calendar';
import type { Store } from '../store/ports';
import { checkCaseReference, findIdentifyingText, findNameWarnings, IDENTIFYING_MESSAGE, requireNoIdentifyingText } from '../core/identifying';
import { CAUSE_LABELS, RAISED_CATEGORIES, type Escalation, type EscalationStep } from './model';
import { EscalationRecords } from './repository';
import { ladderOf, type LadderStage } from '../organisation/escalation-ladder';

export type EscalationDeps = {
  store: Store;
  clock: Clock;
  calendar: WorkingCalendar;
  /** A job or view that looks at many escalations shares one look-up, so each person is read once. */
  people?: CasePeople;
};

const SYSTEM: PersonRef = { name: 'Safeguarding Action Tracker' };
/** One answer for a case that does not exist and one the actor may not see, so the two cannot be told apart. */
const NOT_YOURS = 'That escalation does not exist or is not yours to see.';
const escalations = (store: Store) => new EscalationRecords(store);

type Recipients = { act: Person[]; channels: string[]; inform: Person[] };

/** Roles that serve the whole partnership rather than one agency or service. */
const PARTNERSHIP_ROLES: Role[] = ['business-manager', 'partnership-executive'];
const MAX_CHAIN = 12;

/** A person's agency as the partnership counts it (no agency = the lead agency's), compared without case or spacing. */
const agencyKey = (p: Pick<Person, 'agency'>, partnership: Partnership) => (agencyOf(p, partnership) ?? '').trim().toLowerCase();

/**
 * The people the case rules look at, read as they are needed (by id, or the holders of a role)
 * rather than the whole directory, which is 20,000 people in a county council. Only active people
 * count. One look-up serves every escalation of a request or a job run.
 */
export class CasePeople {
  private readonly byId = new Map<string, Promise<Person | undefined>>();
  private readonly byRole = new Map<Role, Promise<Person[]>>();
  private readonly directory: Directory;
  private partnershipRead?: Promise<Partnership>;

  /** `known`: the partnership (organisation) the caller's turn, job run or report holds already, which saves reading it. */
  constructor(
    private readonly store: Store,
    private readonly orgId: string,
    private readonly known?: Partnership,
  ) {
    this.directory = new Directory(store);
  }

  /** The partnership the people belong to (its lead agency): the one given, else read once. */
  partnership(): Promise<Partnership> {
    return (this.partnershipRead ??= partnershipFor({ store: this.store, ...(this.known ? { organisation: this.known } : {}) }, this.orgId));
  }

  async get(ids: Iterable<string>): Promise<Person[]> {
    const found = await Promise.all(
      [...new Set(ids)].map((id) => {
        let person = this.byId.get(id);
        if (!person) this.byId.set(id, (person = this.directory.get(this.orgId, id)));
        return person;
      }),
    );
    return found.filter((p): p is Person => !!p && p.active);
  }

  async withRole(role: Role): Promise<Person[]> {
    let holders = this.byRole.get(role);
    if (!holders) this.byRole.set(role, (holders = this.directory.withRole({ orgId: this.orgId }, role)));
    return (await holders).filter((p) => p.active);
  }
}

/** One order for recipients, whichever look-up found them. */
const byId = (people: Person[]) => [...new Map(people.map((p) => [p.id, p])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Who the case is about: the raiser of a raised concern, the leads of an action's automatic one. */
function subjectsOf(escalation: Escalation, people: CasePeople): Promise<Person[]> {
  return people.get(escalation.source === 'raised' ? (escalation.raisedBy.personId ? [escalation.raisedBy.personId] : []) : escalation.involvedPersonIds);
}

/** The agencies a case concerns (its subjects'), by id; a case about no one known is the lead agency's. */
export async function caseAgencies(escalation: Escalation, people: CasePeople): Promise<string[]> {
  const partnership = await people.partnership();
  const subjects = await subjectsOf(escalation, people);
  return [...new Set((subjects.length ? subjects : [{}]).map((s) => agencyOf(s, partnership) ?? ''))];
}

/** Everyone above the subjects in the line-management chain (cycles and very long chains cut). */
async function managersAbove(subjects: Person[], people: CasePeople): Promise<{ direct: Set<string>; chain: Set<string> }> {
  const direct = new Set(subjects.flatMap((s) => (s.managerId ? [s.managerId] : [])));
  const chain = new Set<string>();
  for (const subject of subjects) {
    let next = subject.managerId;
    for (let depth = 0; next && depth < MAX_CHAIN && !chain.has(next); depth++) {
      chain.add(next);
      next = (await people.get([next]))[0]?.managerId;
    }
  }
  return { direct, chain };
}

/**
 * A role-addressed stage resolves to the holders related to the case, not to every holder in the
 * partnership: managers up the subjects' management chain, safeguarding leads (and other agency
 * roles) of the subjects' own agency, heads of service of their department. The partnership's own
 * roles (business manager, executive) serve every agency. `among`, when given, limits the answer
 * to those people (is this actor one of them?).
 */
async function holdersFor(roles: Role[], subjects: Person[], people: CasePeople, among?: Person[]): Promise<Person[]> {
  if (roles.length === 0) return [];
  const partnership = await people.partnership();
  const agencies = new Set(subjects.length ? subjects.map((s) => agencyKey(s, partnership)) : [agencyKey({}, partnership)]);
  const departments = new Set(subjects.flatMap((s) => (s.department ? [s.department.trim().toLowerCase()] : [])));
  const { direct, chain } = await managersAbove(subjects, people);
  const related = (p: Person, role: Role): boolean => {
    if (!p.roles.includes(role)) return role === 'manager' && direct.has(p.id);
    if (PARTNERSHIP_ROLES.includes(role)) return true;
    if (role === 'manager') return chain.has(p.id);
    if (role === 'head-of-service') return !!p.department && departments.has(p.department.trim().toLowerCase());
    return agencies.has(agencyKey(p, partnership));
  };
  // Managers are found up the chain by id; every other role's holders by the role itself.
  const candidates = among ?? (await Promise.all(roles.map((r) => (r === 'manager' ? people.get([...direct, ...chain]) : people.withRole(r))))).flat();
  return byId(candidates.filter((p) => roles.some((r) => related(p, r))));
}

/** Who a stage alerts: at stage 1 the people involved; at every stage its named people, channels and the related holders of its roles. */
export async function recipientsOf(
  store: Store,
  escalation: Escalation,
  ladder: LadderStage[],
  people = new CasePeople(store, escalation.orgId),
): Promise<Recipients> {
  const stage = ladder[escalation.stage - 1]!;
  const subjects = await subjectsOf(escalation, people);
  const named = await people.get([...(escalation.stage === 1 ? escalation.involvedPersonIds : []), ...(stage.personIds ?? [])]);
  let act = byId([...named, ...(await holdersFor(stage.roles, subjects, people))]);
  // Nobody related holds this stage's roles: the case's own safeguarding leads pick it up, and
  // failing those every safeguarding lead, rather than no one.
  if (act.length === 0) act = await holdersFor(['safeguarding-lead'], subjects, people);
  if (act.length === 0) act = byId(await people.withRole('safeguarding-lead'));
  const acting = new Set(act.map((p) => p.id));
  const inform = (await holdersFor(stage.informRoles ?? [], subjects, people)).filter((p) => !acting.has(p.id));
  return { act, channels: stage.channelKeys ?? [], inform };
}

/** Works out how the actor stands to the case, for the access policy to decide (the stage's recipients are resolved only when needed). */
async function canAct(
  store: Store,
  actor: Person,
  escalation: Escalation,
  ladder: LadderStage[],
  people = new CasePeople(store, escalation.orgId),
): Promise<boolean> {
  let leadOfCaseAgency = false;
  if (mayActForCaseAgency(actor)) {
    leadOfCaseAgency = (await holdersFor(['safeguarding-lead'], await subjectsOf(escalation, people), people, [actor])).length > 0;
    if (mayActOnEscalation(actor, { alertedToAct: false, leadOfCaseAgency })) return true;
  }
  const alertedToAct = (await recipientsOf(store, escalation, ladder, people)).act.some((p) => p.id === actor.id);
  return mayActOnEscalation(actor, { alertedToAct, leadOfCaseAgency });
}

function alertFacts(e: Escalation): { title: string; value: string }[] {
  return [
    { title: 'Reference', value: e.ref },
    { title: 'Cause', value: CAUSE_LABELS[e.cause] },
    ...(e.actionRef ? [{ title: 'Action', value: e.actionRef }] : []),
    ...(e.caseReference ? [{ title: 'Case reference', value: e.caseReference }] : []),
    ...(e.agency ? [{ title: 'Agency or team', value: e.agency }] : []),
    { title: 'Raised', value: `${formatDate(e.raisedAt.slice(0, 10))} by ${e.raisedBy.name}` },
    ...(e.immediateRisk ? [{ title: 'Immediate risk', value: 'Yes' }] : []),
    ...(e.assignedTo ? [{ title: 'Assigned to', value: e.assignedTo.name }] : []),
  ];
}

/** The alert as a message: the same view for the first alert and for the refreshed card after each step. */
export function alertMessage(e: Escalation, ladder: LadderStage[], role: 'act' | 'inform', note?: string): MessageOf<'escalation-alert'> {
  const stage = ladder[e.stage - 1]!;
  const state =
    e.status === 'resolved'
      ? `Resolved: ${e.outcome ?? ''}`
      : e.acknowledged
        ? `Acknowledged by ${e.acknowledged.by.name}`
        : `Not yet acknowledged; respond by ${formatDate(e.stageDeadline)}`;
  return {
    kind: 'escalation-alert',
    escalationId: e.id,
    role: e.status === 'resolved' ? 'inform' : role,
    acknowledged: !!e.acknowledged,
    heading: `${e.immediateRisk ? 'Immediate risk: ' : ''}${CAUSE_LABELS[e.cause]} (stage ${e.stage}: ${stage.name})`,
    stage: `${e.stage} of ${ladder.length}: ${stage.name}`,
    deadline: e.stageDeadline,
    summary: e.summary,
    facts: [...alertFacts(e), { title: 'State', value: state }],
    ...(note ? { note } : {}),
  };
}

/** A team channel's alert: reference, stage and deadline only. */
export function channelAlertMessage(e: Escalation, ladder: LadderStage[]): MessageOf<'escalation-channel-alert'> {
  return {
    kind: 'escalation-channel-alert',
    escalationId: e.id,
    ref: e.ref,
    stage: `${e.stage} of ${ladder.length}: ${ladder[e.stage - 1]!.name}`,
    deadline: e.stageDeadline,
    resolved: e.status === 'resolved',
  };
}

/** The ids of one stage's alerts start with this, so they can be counted as seen or not. */
export function stageAlertPrefix(e: Pick<Escalation, 'id' | 'stage'>): string {
  return `${e.id}-s${e.stage}-`;
}

/** A stage that alerted nobody: no one related to the case holds its roles, and no safeguarding lead stands in. */
export type UnreachedStage = { stage: number; name: string; roles: Role[] };

/** The roles a stage needed someone to hold: its own, and the safeguarding leads who stand in for them. */
const missingRoles = (stage: LadderStage): Role[] => [...new Set<Role>([...stage.roles, 'safeguarding-lead'])];
const roleList = (roles: Role[]) => (roles.length === 1 ? roles[0]! : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`);

/**
 * Sends this stage's alert to its recipients and channels (once each, by id) and informs those to
 * be told. A stage that resolves to no one is never silent: it is recorded on the case, the
 * partnership's administrators are told which role is missing, and the case moves on to the next
 * stage that reaches someone. The caller tells whoever raised it what happened.
 */
async function alertStage(
  deps: EscalationDeps,
  e: Escalation,
  ladder: LadderStage[],
  timeZone: string,
  note?: string,
): Promise<{ escalation: Escalation; unreached: UnreachedStage[] }> {
  let current = e;
  const unreached: UnreachedStage[] = [];
  for (;;) {
    const { act, channels, inform } = await recipientsOf(deps.store, current, ladder, deps.people);
    if (act.length > 0 || channels.length > 0) {
      const alerted = current;
      const send = (suffix: string, recipient: { personId: string } | { conversationKey: string }, message: OutboundMessage) =>
        enqueue(deps.store, deps.clock, { id: `${stageAlertPrefix(alerted)}${suffix}`, orgId: alerted.orgId, purpose: 'escalation', recipient, message });
      for (const p of act) await send(p.id, { personId: p.id }, alertMessage(alerted, ladder, 'act', note));
      // Everyone in a channel sees its messages: no summary, case reference, names or notes there.
      for (const key of channels) await send(key, { conversationKey: key }, channelAlertMessage(alerted, ladder));
      for (const p of inform) await send(`inform-${p.id}`, { personId: p.id }, alertMessage(alerted, ladder, 'inform', note));
      break;
    }
    const stage = ladder[current.stage - 1]!;
    unreached.push({ stage: current.stage, name: stage.name, roles: missingRoles(stage) });
    if (current.stage >= ladder.length) break;
    const from = current.stage;
    const now = deps.clock.now().toISOString();
    current = await escalations(deps.store).update(current.orgId, current.id, (cur) => {
      if (cur.status !== 'open' || cur.stage !== from) return undefined; // someone acted meanwhile
      const next: Escalation = { ...cur, version: cur.version + 1 };
      moveUp(next, ladder, deps.calendar, today(deps.clock, timeZone), now);
      next.history = [
        ...cur.history,
        {
          at: now,
          by: SYSTEM,
          what: 'auto-moved',
          stage: next.stage,
          text: `Stage ${from} (${stage.name}) reaches nobody: no one related to the case holds ${roleList(missingRoles(stage))}.`,
        },
      ];
      return next;
    });
    if (current.stage === from) break;
  }
  if (unreached.length > 0) await tellAdministratorsOfUnreached(deps, current, unreached, ladder);
  return { escalation: current, unreached };
}

/** The partnership's administrators hear, once per case and stage, which role nobody holds; the notice carries the reference only. */
async function tellAdministratorsOfUnreached(deps: EscalationDeps, e: Escalation, unreached: UnreachedStage[], ladder: LadderStage[]): Promise<void> {
  const partnership = await partnershipFor(deps, e.orgId);
  const admins = (await new Directory(deps.store).withRole({ orgId: e.orgId }, 'admin')).filter((p) => p.active && isPartnershipAdministrator(p, partnership));
  const reached = unreached.at(-1)!.stage !== e.stage;
  const lines = unreached.map((u) => `stage ${u.stage} (${u.name}) reached nobody: no one related to the case holds ${roleList(u.roles)}`);
  for (const admin of admins) {
    await enqueue(deps.store, deps.clock, {
      id: `${e.id}-s${unreached[0]!.stage}-unreached-to-${admin.id}`,
      orgId: e.orgId,
      purpose: 'admin-notice',
      recipient: { personId: admin.id },
      message: {
        kind: 'notice',
        title: `Escalation ${e.ref} alerted nobody at stage ${unreached.map((u) => u.stage).join(', ')}`,
        text:
          `For ${e.ref}, ${lines.join('; ')}. ${reached ? `It moved on to stage ${e.stage} (${ladder[e.stage - 1]!.name}).` : 'No later stage reaches anyone either: nobody has been alerted.'} ` +
          'Give the missing role to the right people: npm run cli -- people role grant <person> <role>, or map their Entra group to it: npm run cli -- roles map <group id> <role>.',
      },
    });
  }
}

async function nextRef(store: Store, orgId: string, raisedAt: string): Promise<string> {
  const year = raisedAt.slice(0, 4);
  const number = await new EscalationRecords(store).nextNumber(orgId, year);
  return `ESC-${year}-${String(number).padStart(4, '0')}`;
}

type Draft = Omit<
  Escalation,
  'orgId' | 'kind' | 'ref' | 'stage' | 'stageStartedAt' | 'stageDeadline' | 'highestStage' | 'status' | 'history' | 'version' | 'raisedAt'
> & { startStage: number };

/**
 * Opens an escalation and alerts its first stage. The id is derived from what it is about, so a
 * trigger that fires again (a nightly re-run, a second instance) finds it and opens nothing.
 */
export async function openEscalation(
  deps: EscalationDeps,
  organisation: Organisation,
  draft: Draft,
): Promise<{ escalation: Escalation; created: boolean; unreached: UnreachedStage[] }> {
  const ladder = ladderOf(organisation);
  const existing = await escalations(deps.store).read(organisation.orgId, draft.id);
  if (existing) return { escalation: existing, created: false, unreached: [] };
  const now = deps.clock.now().toISOString();
  const day = today(deps.clock, organisation.timeZone);
  const stage = Math.min(draft.startStage, ladder.length);
  const { startStage: _start, ...rest } = draft;
  const escalation: Escalation = {
    ...rest,
    orgId: organisation.orgId,
    kind: 'escalation',
    ref: await nextRef(deps.store, organisation.orgId, now),
    raisedAt: now,
    stage,
    stageStartedAt: now,
    stageDeadline: deps.calendar.addWorkingDays(day, ladder[stage - 1]!.respondWithinWorkingDays),
    highestStage: stage,
    status: 'open',
    history: [{ at: now, by: draft.raisedBy, what: 'raised', stage }],
    version: 1,
  };
  // Raised already (the nightly trigger on another instance, or a replay): that one stands.
  const { doc: stored, created } = await escalations(deps.store).createOrRead(escalation);
  if (!created) return { escalation: stored, created: false, unreached: [] };
  const alerted = await alertStage(deps, escalation, ladder, organisation.timeZone);
  return { ...alerted, created: true };
}

const text = (max: number) => z.string().trim().max(max);
const raiseSchema = z.object({
  category: z.enum(RAISED_CATEGORIES),
  agency: text(200).min(1, 'Say which agency or team is involved.'),
  caseReference: z.string().trim().min(1, 'Give the case reference.').max(40, 'A case reference is at most 40 characters.'),
  asked: text(2000).min(1, 'Say what was asked.'),
  wanted: text(2000).min(1, 'Say what you want to happen.'),
  immediateRisk: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .optional()
    .transform((v) => v === true || v === 'true'),
  /** Set by the form shown with the name warning: the writer has looked and sends it as it is. */
  namesChecked: z
    .union([z.boolean(), z.enum(['true', 'false', ''])])
    .optional()
    .transform((v) => v === true || v === 'true'),
});

/** A staff member raises a concern or professional disagreement from the bot; `unreached` says which stages alerted nobody. */
export async function raiseEscalation(
  deps: EscalationDeps,
  input: { actor: Person; organisation: Organisation; data: unknown },
): Promise<{ escalation: Escalation; unreached: UnreachedStage[] }> {
  const parsed = raiseSchema.safeParse(input.data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({
      field: String(i.path[0] ?? 'form'),
      message: i.code === 'invalid_value' ? 'Choose one of the options.' : i.message,
    }));
    throw new AppError('VALIDATION', 'Some answers need attention.', { fields });
  }
  const d = parsed.data;
  const reference = checkCaseReference(d.caseReference, input.organisation.caseReferencePattern);
  const identifying = findIdentifyingText({ agency: d.agency, asked: d.asked, wanted: d.wanted });
  if (reference || identifying.length > 0) {
    throw new AppError('VALIDATION', IDENTIFYING_MESSAGE, {
      fields: [
        ...(reference ? [reference] : []),
        ...identifying.map((i) => ({ field: i.field, message: `This looks like ${i.label}. Do not enter children’s names or identifying details.` })),
      ],
    });
  }
  const names = findNameWarnings({ agency: d.agency, asked: d.asked, wanted: d.wanted });
  if (names.length > 0 && !d.namesChecked)
    throw new AppError('VALIDATION', 'Check the highlighted text: it looks like it names someone. Raise again to send it as it is.', { fields: names });
  const now = deps.clock.now().toISOString();
  const { escalation, unreached } = await openEscalation(deps, input.organisation, {
    id: `esc-raised-${input.actor.id}-${now.replace(/[^0-9]/g, '')}`,
    cause: d.category,
    source: 'raised',
    summary: `${CAUSE_LABELS[d.category]} involving ${d.agency} about case ${d.caseReference}.`,
    agency: d.agency,
    caseReference: d.caseReference,
    asked: d.asked,
    wanted: d.wanted,
    immediateRisk: d.immediateRisk,
    raisedBy: { personId: input.actor.id, name: input.actor.name },
    involvedPersonIds: input.actor.managerId ? [input.actor.managerId] : [],
    // Immediate risk skips practitioner-to-practitioner and goes straight to managers and leads.
    startStage: d.immediateRisk ? 2 : 1,
  });
  return { escalation, unreached };
}

export const ESCALATION_STEPS = ['acknowledge', 'note', 'assign', 'move', 'resolve', 'request-feedback', 'feedback-received'] as const;
export type EscalationStepName = (typeof ESCALATION_STEPS)[number];

const stepSchema = z.object({
  escalationId: z.string().min(1).max(200),
  text: z.string().trim().max(2000).optional().default(''),
  assignee: z.string().trim().max(200).optional().default(''),
  feedbackFrom: z.string().trim().max(200).optional().default(''),
  feedbackDue: z.string().trim().max(20).optional().default(''),
});

/**
 * One step on an alert card. Only the current stage's recipients and safeguarding leads may act;
 * each step is recorded with who and when; moving up alerts the next stage.
 */
export async function actOnEscalation(
  deps: EscalationDeps,
  input: { actor: Person; organisation: Organisation; step: EscalationStepName; data: unknown },
): Promise<Escalation> {
  const parsed = stepSchema.safeParse(input.data);
  if (!parsed.success) throw new AppError('VALIDATION', 'This card sent data that cannot be an escalation step.');
  const d = parsed.data;
  const { actor, organisation, step } = input;
  const ladder = ladderOf(organisation);
  const current = await escalations(deps.store).read(actor.orgId, d.escalationId);
  const people = new CasePeople(deps.store, actor.orgId, organisation);
  const acting = !!current && (await canAct(deps.store, actor, current, ladder, people));
  // A case the actor may not even see is answered as missing: its reference, stage and state are not theirs to learn.
  if (!current || (!acting && !(await canView(deps.store, actor, current, ladder, people)))) throw new AppError('NOT_FOUND', NOT_YOURS);
  if (current.status === 'resolved') throw new AppError('VALIDATION', `${current.ref} is already resolved.`);
  if (!acting) throw new AppError('FORBIDDEN', `Only the people alerted at stage ${current.stage} and safeguarding leads can act on ${current.ref}.`);
  const requireText = (what: string) => {
    if (!d.text) throw new AppError('VALIDATION', what, { fields: [{ field: 'text', message: what }] });
  };
  // Every step's free text goes on the record: the note, reason, outcome, feedback note and who feedback is from.
  requireNoIdentifyingText({ text: d.text, feedbackFrom: d.feedbackFrom });
  let assignee: Person | undefined;
  if (step === 'note') requireText('Write the note.');
  if (step === 'move') requireText('Moving to the next stage needs a reason.');
  if (step === 'resolve') requireText('Resolving needs the outcome.');
  if (step === 'move' && current.stage >= ladder.length) throw new AppError('VALIDATION', `${current.ref} is already at the last stage.`);
  if (step === 'assign') {
    // Only people of the agencies the case concerns (or serving the whole partnership) can be
    // assigned it; anyone else is answered as not found, so the card cannot look up other agencies' staff.
    const [partnership, agencies] = [await people.partnership(), await caseAgencies(current, people)];
    const candidates = (await new Directory(deps.store).all({ orgId: actor.orgId })).filter((p) => p.active && mayBeAssignedCase(p, agencies, partnership));
    const byName = matchByName(candidates, d.assignee);
    const match = d.assignee.includes('@') ? candidates.find((p) => p.email === d.assignee.toLowerCase()) : byName.kind === 'found' ? byName.person : undefined;
    if (!match)
      throw new AppError('VALIDATION', `No one called "${d.assignee}" is in the directory of the agencies this case concerns (give a full name or email).`, {
        fields: [{ field: 'assignee', message: 'Not found.' }],
      });
    assignee = match;
  }
  const day = today(deps.clock, organisation.timeZone);
  if (step === 'request-feedback' && (!d.feedbackFrom || !/^\d{4}-\d{2}-\d{2}$/.test(d.feedbackDue) || d.feedbackDue <= day)) {
    throw new AppError('VALIDATION', 'Say who the feedback is awaited from and a future date it is due by.', {
      fields: [{ field: 'feedbackDue', message: 'Give a future date.' }],
    });
  }

  const now = deps.clock.now().toISOString();
  const by: PersonRef = { personId: actor.id, name: actor.name };
  const updated = await escalations(deps.store).update(actor.orgId, current.id, (e) => {
    const next: Escalation = { ...e, version: e.version + 1 };
    const record = (what: EscalationStep['what'], stage: number, t?: string) =>
      (next.history = [...next.history, { at: now, by, what, stage, ...(t ? { text: t } : {}) }]);
    switch (step) {
      case 'acknowledge':
        next.acknowledged = { at: now, by };
        next.firstAcknowledgedAt ??= now;
        record('acknowledged', e.stage);
        break;
      case 'note':
        record('note', e.stage, d.text);
        break;
      case 'assign':
        next.assignedTo = { personId: assignee!.id, name: assignee!.name };
        record('assigned', e.stage, assignee!.name);
        break;
      case 'move':
        moveUp(next, ladder, deps.calendar, day, now);
        record('moved', next.stage, d.text);
        break;
      case 'resolve':
        next.status = 'resolved';
        next.outcome = d.text;
        next.resolvedAt = now;
        record('resolved', e.stage, d.text);
        break;
      case 'request-feedback':
        next.feedback = { from: d.feedbackFrom, dueBy: d.feedbackDue, requestedAt: now };
        record('feedback-requested', e.stage, `${d.feedbackFrom} by ${d.feedbackDue}`);
        break;
      case 'feedback-received':
        if (!e.feedback || e.feedback.receivedAt) throw new AppError('VALIDATION', 'No feedback is awaited.');
        next.feedback = { ...e.feedback, receivedAt: now };
        record('feedback-received', e.stage, d.text || undefined);
        break;
    }
    return next;
  });
  if (step === 'move') return (await alertStage(deps, updated, ladder, organisation.timeZone, `Moved up by ${actor.name}: ${d.text}`)).escalation;
  return updated;
}

function moveUp(e: Escalation, ladder: LadderStage[], calendar: WorkingCalendar, day: string, now: string): void {
  e.stage = Math.min(e.stage + 1, ladder.length);
  e.highestStage = Math.max(e.highestStage, e.stage);
  e.stageStartedAt = now;
  e.stageDeadline = calendar.addWorkingDays(day, ladder[e.stage - 1]!.respondWithinWorkingDays);
  // A new stage must be acknowledged by its own recipients.
  delete e.acknowledged;
}

/**
 * The partnership's administrators see the whole record; an agency's administrators its people's
 * cases; others what they raised or may act on (which for a safeguarding lead is every case of
 * their own agency).
 */
export async function canView(
  store: Store,
  actor: Person,
  escalation: Escalation,
  ladder: LadderStage[],
  people = new CasePeople(store, escalation.orgId),
): Promise<boolean> {
  const partnership = await people.partnership();
  if (mayViewEscalation(actor, escalation, false, partnership)) return true;
  // An agency's administrator sees the cases about its own people.
  if (mayViewForCaseAgency(actor) && (await holdersFor(['admin'], await subjectsOf(escalation, people), people, [actor])).length > 0) return true;
  return mayViewEscalation(actor, escalation, await canAct(store, actor, escalation, ladder, people), partnership);
}

export async function getEscalation(store: Store, actor: Person, organisation: Organisation, id: string): Promise<{ escalation: Escalation; canAct: boolean }> {
  const escalation = await escalations(store).read(actor.orgId, id);
  const ladder = ladderOf(organisation);
  // One set of look-ups for both questions: the case's people are read once.
  const people = new CasePeople(store, actor.orgId, organisation);
  if (!escalation || !(await canView(store, actor, escalation, ladder, people))) throw new AppError('NOT_FOUND', NOT_YOURS);
  return { escalation, canAct: escalation.status === 'open' && (await canAct(store, actor, escalation, ladder, people)) };
}

/** Open escalations this person may see, highest stage and nearest deadline first. */
export async function visibleOpenEscalations(store: Store, actor: Person, organisation: Organisation): Promise<Escalation[]> {
  const ladder = ladderOf(organisation);
  const visible: Escalation[] = [];
  const open = await openEscalations(store, actor.orgId);
  const people = new CasePeople(store, actor.orgId, organisation);
  for (const e of open) if (await canView(store, actor, e, ladder, people)) visible.push(e);
  return visible;
}

export async function openEscalations(store: Store, orgId: string): Promise<Escalation[]> {
  const open = await new EscalationRecords(store).open(orgId);
  return open.sort((a, b) => b.stage - a.stage || a.stageDeadline.localeCompare(b.stageDeadline));
}

/**
 * The nightly ladder: an unacknowledged stage past its deadline moves up by itself and says so;
 * feedback that has not arrived by its date escalates the same way.
 */
export async function advanceOverdueStages(deps: EscalationDeps, organisation: Organisation): Promise<{ moved: number }> {
  const ladder = ladderOf(organisation);
  const day = today(deps.clock, organisation.timeZone);
  const now = deps.clock.now().toISOString();
  let moved = 0;
  for (const e of await openEscalations(deps.store, organisation.orgId)) {
    const missedDeadline = !e.acknowledged && day > e.stageDeadline;
    const missedFeedback = e.feedback && !e.feedback.receivedAt && !e.feedback.overdueHandled && day > e.feedback.dueBy;
    if ((!missedDeadline && !missedFeedback) || e.stage >= ladder.length) continue;
    const reason = missedFeedback
      ? `Feedback from ${e.feedback!.from} was due by ${formatDate(e.feedback!.dueBy)} and has not arrived.`
      : `Stage ${e.stage} was not acknowledged by ${formatDate(e.stageDeadline)}.`;
    const updated = await escalations(deps.store).update(e.orgId, e.id, (cur) => {
      if (cur.status !== 'open' || cur.stage !== e.stage) return undefined; // someone acted meanwhile
      const next: Escalation = { ...cur, version: cur.version + 1 };
      if (missedFeedback) next.feedback = { ...cur.feedback!, overdueHandled: true };
      moveUp(next, ladder, deps.calendar, day, now);
      next.history = [...cur.history, { at: now, by: SYSTEM, what: missedFeedback ? 'feedback-overdue' : 'auto-moved', stage: next.stage, text: reason }];
      return next;
    });
    if (updated.stage === e.stage + 1) {
      moved++;
      await alertStage(deps, updated, ladder, organisation.timeZone, `Moved up automatically: ${reason}`);
    }
  }
  return { moved };
}

/** Whether the actor is a safeguarding lead of the agency the case concerns (for "Who has seen this"). */
export async function isLeadOfCaseAgency(store: Store, actor: Person, escalation: Escalation): Promise<boolean> {
  if (!mayActForCaseAgency(actor)) return false;
  const people = new CasePeople(store, escalation.orgId);
  return (await holdersFor(['safeguarding-lead'], await subjectsOf(escalation, people), people, [actor])).length > 0;
}
