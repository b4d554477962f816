import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { Report } from '../core/report';
import { allows, mayHandleSubjectRequests, type Requester } from '../access/policy';
import { AuditRecords } from '../audit/repository';
import type { AuditEntry } from '../audit/model';
import { Conversations } from '../conversations/repository';
import type { OutboxItem } from '../delivery/model';
import { OutboxRepository } from '../delivery/repository';
import { type Escalation, EscalationRecords } from '../escalations';
import { partnershipOf } from '../organisation/organisations';
import type { Person } from '../people/model';
import { Directory } from '../people/repository';
import { type Action, ActionPlan, type PersonRef } from '../plan';
import type { Store } from '../store/ports';
import { SurveyRepository } from '../surveys';
import { type TrainingRecord, TrainingRepository, type TrainingSummary } from '../training';
import { cutoffFor, endOf, lineOf, type RetentionSettings } from '../store/retention-schedule';
import { changeMovedHistory, fullHistory } from '../plan';
import { erasureContributors, subjectAccessContributors } from '../kernel/registry';
import type { ErasurePart, ErasureStep, FormerStaff } from '../kernel/module';

export const ANONYMOUS_ANSWERS_NOTE =
  'Answers to anonymous questionnaires are not in this export: they are stored apart from who responded, without any link to the person, so they cannot be tied to you, by design. For each anonymous questionnaire the export says only whether you responded.';

/** The store's own fields say nothing about the person; they are left out of what they are given. */
function plain<T extends object>(doc: T): T {
  const { _rid, _self, _etag, _attachments, _ts, ...rest } = doc as T & Record<string, unknown>;
  return rest as T;
}

async function requirePerson(store: Store, orgId: string, who: string): Promise<Person> {
  const directory = new Directory(store);
  const person = (await directory.get(orgId, who)) ?? (who.includes('@') ? await directory.byEmail({ orgId }, who) : undefined);
  if (!person) throw new AppError('NOT_FOUND', `No one with the id or email "${who.slice(0, 80)}" is in the directory.`);
  return person;
}

async function requireMayHandle(store: Store, orgId: string, requester: Requester): Promise<void> {
  const partnership = await partnershipOf(store, orgId);
  if (!allows(requester, (a) => mayHandleSubjectRequests(a, partnership)))
    throw new AppError('FORBIDDEN', 'Subject access requests and erasure are handled by the partnership’s administrators.');
}

const isAbout = (personId: string) => (ref: PersonRef | undefined) => ref?.personId === personId;

/** The escalations a person raised, was involved in, or took a step on. */
function escalationsOf(all: Escalation[], personId: string): Escalation[] {
  const theirs = isAbout(personId);
  return all.filter((e) => theirs(e.raisedBy) || e.involvedPersonIds.includes(personId) || theirs(e.assignedTo) || e.history.some((h) => theirs(h.by)));
}

export type SubjectExport = {
  exportedAt: string;
  person: Person;
  roles: Person['roles'];
  links: {
    aadObjectId?: string;
    aadTenantId?: string;
    chats: { kind: string; tenantId: string; installedAt: string; reachable: boolean; unreachableReason?: string }[];
  };
  notificationSettings: { notifyBy: string; leave?: Person['leave'] };
  training: { records: TrainingRecord[]; summary?: TrainingSummary };
  actionsLed: { ref: string; description: string; status: string; progress: string; open: boolean; updates: Action['history'] }[];
  escalations: {
    ref: string;
    cause: string;
    raisedAt: string;
    raisedByThem: boolean;
    status: string;
    theirSteps: { at: string; what: string; stage: number; text?: string }[];
  }[];
  questionnaires: { campaignId: string; title: string; closesOn: string; anonymous: boolean; responded: boolean }[];
  messages: { id: string; purpose: string; status: string; createdAt: string; sentAt?: string; seenAt?: string; contentRemoved: boolean }[];
  auditOfTheirActions: AuditEntry[];
  /** What each feature module holds about them (Section 11 returns, reviews, …), as the module declares it. */
  features: { module: string; title: string; records: Record<string, unknown[]>; notes: string[]; sheets: () => Report[] }[];
  notes: string[];
};

/** Each feature module's part, asked in turn: the export knows the modules only through their declarations. */
async function featureParts(deps: { store: Store; clock: Clock }, orgId: string, person: Person): Promise<SubjectExport['features']> {
  const parts: SubjectExport['features'] = [];
  for (const { module, contribute } of subjectAccessContributors()) {
    const part = await contribute(deps, orgId, person);
    parts.push({ module, title: part.title, records: part.records, notes: part.notes ?? [], sheets: part.sheets });
  }
  return parts;
}

/**
 * Everything stored about one person, for their subject access request (UK GDPR Art. 15). Cases
 * hold no child data; of each escalation only the person's own steps are given, since the rest
 * is other people's.
 */
export async function exportSubject(deps: { store: Store; clock: Clock }, orgId: string, who: string, requester: Requester): Promise<SubjectExport> {
  await requireMayHandle(deps.store, orgId, requester);
  const person = await requirePerson(deps.store, orgId, who);
  const id = person.id;
  const training = await new TrainingRepository(deps.store).ofPerson(orgId, id);
  const surveys = new SurveyRepository(deps.store);
  const asked = new Set(await surveys.campaignIdsAsking(orgId, id));
  const responded = new Set((await surveys.respondedBy(orgId, id)).map((m) => m.campaignId));
  const campaigns = (await surveys.campaigns(orgId)).filter((c) => asked.has(c.id) || responded.has(c.id));
  const theirs = isAbout(id);
  const summary = training.find((d): d is TrainingSummary => d.kind === 'summary');
  const features = await featureParts(deps, orgId, person);
  return {
    exportedAt: deps.clock.now().toISOString(),
    person: plain(person),
    roles: person.roles,
    links: {
      ...(person.aadObjectId ? { aadObjectId: person.aadObjectId } : {}),
      ...(person.aadTenantId ? { aadTenantId: person.aadTenantId } : {}),
      chats: (await new Conversations(deps.store).ofPerson(orgId, id)).map((c) => ({
        kind: c.kind,
        tenantId: c.tenantId,
        installedAt: c.installedAt,
        reachable: c.reachable,
        ...(c.unreachableReason ? { unreachableReason: c.unreachableReason } : {}),
      })),
    },
    notificationSettings: { notifyBy: person.notifyBy ?? 'teams', ...(person.leave ? { leave: person.leave } : {}) },
    training: { records: training.filter((d): d is TrainingRecord => d.kind === 'record').map(plain), ...(summary ? { summary: plain(summary) } : {}) },
    actionsLed: await Promise.all(
      (await new ActionPlan(deps.store).actionsLedBy(orgId, id)).map(async (a) => ({
        ref: a.ref,
        description: a.description,
        status: a.status,
        progress: a.progress,
        open: a.open,
        updates: await fullHistory(deps.store, a),
      })),
    ),
    escalations: escalationsOf(await new EscalationRecords(deps.store).all(orgId), id).map((e) => ({
      ref: e.ref,
      cause: e.cause,
      raisedAt: e.raisedAt,
      raisedByThem: theirs(e.raisedBy),
      status: e.status,
      theirSteps: e.history.filter((h) => theirs(h.by)).map((h) => ({ at: h.at, what: h.what, stage: h.stage, ...(h.text ? { text: h.text } : {}) })),
    })),
    questionnaires: campaigns.map((c) => ({ campaignId: c.id, title: c.title, closesOn: c.closesOn, anonymous: c.anonymous, responded: responded.has(c.id) })),
    messages: (await new OutboxRepository(deps.store).toPerson(orgId, id)).map((m: OutboxItem) => ({
      id: m.id,
      purpose: m.purpose,
      status: m.status,
      createdAt: m.createdAt,
      ...(m.sentAt ? { sentAt: m.sentAt } : {}),
      ...(m.seenAt ? { seenAt: m.seenAt } : {}),
      contentRemoved: !!m.bodyRemovedAt,
    })),
    auditOfTheirActions: (await new AuditRecords(deps.store).ofPerson(orgId, id)).map(plain),
    features,
    notes: [
      ANONYMOUS_ANSWERS_NOTE,
      'Case records hold case references, never children’s names; of each escalation only your own steps are included.',
      ...features.flatMap((f) => f.notes),
    ],
  };
}

/** The export as report sections, one sheet each, for an XLSX file. */
export function subjectExportReports(x: SubjectExport): Report[] {
  const fields = Object.entries(x.person).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  return [
    { title: 'Directory record', headers: ['Field', 'Value'], rows: fields, notes: [`Exported ${x.exportedAt}`] },
    {
      title: 'Roles and links',
      headers: ['What', 'Value'],
      rows: [
        ...x.roles.map((r) => ['role', r]),
        ['Entra object id', x.links.aadObjectId ?? ''],
        ['Entra tenant', x.links.aadTenantId ?? ''],
        ...x.links.chats.map((c) => [
          `${c.kind} chat`,
          `tenant ${c.tenantId}, since ${c.installedAt}, ${c.reachable ? 'reachable' : `not reachable (${c.unreachableReason ?? ''})`}`,
        ]),
      ],
    },
    {
      title: 'Notification settings',
      headers: ['Setting', 'Value'],
      rows: [
        ['notify by', x.notificationSettings.notifyBy],
        ['leave', x.notificationSettings.leave ? `until ${x.notificationSettings.leave.until}, cover ${x.notificationSettings.leave.delegateId}` : ''],
      ],
    },
    {
      title: 'Training records',
      headers: ['Course', 'Status', 'Completed on', 'Source', 'Review'],
      rows: x.training.records.map((r) => [
        r.courseCode,
        r.status,
        r.completedOn ?? '',
        r.source,
        r.review ? `${r.review.decision} by ${r.review.by.name}` : '',
      ]),
    },
    {
      title: 'Training summary',
      headers: ['Course', 'Completed', 'Booked'],
      rows: Object.entries(x.training.summary?.courses ?? {}).map(([course, f]) => [course, f.completed.join(', '), (f.booked ?? []).join(', ')]),
    },
    {
      title: 'Actions led',
      headers: ['Action', 'Description', 'Status', 'Progress', 'Open'],
      rows: x.actionsLed.map((a) => [a.ref, a.description, a.status, a.progress, a.open ? 'yes' : 'no']),
    },
    {
      title: 'Action updates',
      headers: ['Action', 'When', 'By', 'Status', 'Progress'],
      rows: x.actionsLed.flatMap((a) => a.updates.map((u) => [a.ref, u.at, u.by.name, u.status, u.progress])),
    },
    {
      title: 'Escalations',
      headers: ['Reference', 'Cause', 'Raised', 'Raised by them', 'Status', 'Their steps'],
      rows: x.escalations.map((e) => [
        e.ref,
        e.cause,
        e.raisedAt,
        e.raisedByThem ? 'yes' : 'no',
        e.status,
        e.theirSteps.map((s) => `${s.at} ${s.what} (stage ${s.stage})${s.text ? `: ${s.text}` : ''}`).join('\n'),
      ]),
    },
    {
      title: 'Questionnaires',
      headers: ['Campaign', 'Title', 'Closes', 'Anonymous', 'Responded'],
      rows: x.questionnaires.map((q) => [q.campaignId, q.title, q.closesOn, q.anonymous ? 'yes' : 'no', q.responded ? 'yes' : 'no']),
      notes: [ANONYMOUS_ANSWERS_NOTE],
    },
    {
      title: 'Messages',
      headers: ['Message', 'Purpose', 'Status', 'Queued', 'Sent', 'Seen', 'Content removed'],
      rows: x.messages.map((m) => [m.id, m.purpose, m.status, m.createdAt, m.sentAt ?? '', m.seenAt ?? '', m.contentRemoved ? 'yes' : 'no']),
    },
    {
      title: 'Audit of their actions',
      headers: ['When', 'Where', 'Did', 'Record kind', 'Record id', 'Agency scope', 'Detail'],
      rows: x.auditOfTheirActions.map((e) => [e.at, e.surface, e.action, e.record.kind, e.record.id, e.agency ?? 'every agency', e.detail ?? '']),
    },
    ...x.features.flatMap((f) => f.sheets()),
    { title: 'About this export', headers: ['Note'], rows: x.notes.map((n) => [n]) },
  ];
}

export type ErasurePlan = { person: Pick<Person, 'id' | 'name'>; steps: ErasureStep[]; dryRun: boolean };

/** A former member of staff, where a record outlives what may be kept about them (the plan, others' records). */
const FORMER = { name: 'Former member of staff' } satisfies PersonRef & FormerStaff;

/**
 * Erases a leaver who has passed every retention period: deletes what is only about them and
 * anonymises their name where a record that outlives them mentions them (the plan's actions,
 * other people's manager or cover, and what each feature module declares in `erasure`: Section 11
 * returns, reviews). Refuses, naming what is still kept and until when, for
 * anyone still within a period. With `dryRun` it only says what it would do.
 */
export async function eraseLeaver(
  deps: { store: Store; clock: Clock },
  orgId: string,
  who: string,
  requester: Requester,
  settings: RetentionSettings,
  dryRun: boolean,
): Promise<ErasurePlan> {
  await requireMayHandle(deps.store, orgId, requester);
  const person = await requirePerson(deps.store, orgId, who);
  const id = person.id;
  const now = deps.clock.now();
  const still: string[] = [];
  if (person.active) throw new AppError('WITHIN_RETENTION', `${person.name} (${id}) is not a leaver: the HR file still shows them as active.`);
  const leftOn = person.leftOn ?? now.toISOString().slice(0, 10);
  const trainingEnds = endOf(leftOn, lineOf('leaverTrainingYears').period(settings));
  if (trainingEnds > now.toISOString())
    still.push(`their training records until ${trainingEnds.slice(0, 10)} (${settings.leaverTrainingYears} years after leaving on ${leftOn})`);
  const escalations = escalationsOf(await new EscalationRecords(deps.store).all(orgId), id);
  const escalationCutoff = cutoffFor(now, lineOf('closedEscalationYears').period(settings));
  for (const e of escalations) {
    if (e.status === 'open') still.push(`escalation ${e.ref}, still open`);
    else if ((e.resolvedAt ?? e.raisedAt) >= escalationCutoff)
      still.push(`escalation ${e.ref} until ${endOf(e.resolvedAt ?? e.raisedAt, lineOf('closedEscalationYears').period(settings)).slice(0, 10)}`);
  }
  const surveys = new SurveyRepository(deps.store);
  const asked = new Set(await surveys.campaignIdsAsking(orgId, id));
  const campaignCutoff = cutoffFor(now, lineOf('campaignYears').period(settings)).slice(0, 10);
  for (const c of (await surveys.campaigns(orgId)).filter((c) => asked.has(c.id))) {
    if (c.status !== 'closed' || c.closesOn >= campaignCutoff)
      still.push(`questionnaire ${c.id}'s list of who was asked until ${endOf(c.closesOn, lineOf('campaignYears').period(settings)).slice(0, 10)}`);
  }
  const audit = await new AuditRecords(deps.store).ofPerson(orgId, id);
  const auditCutoff = cutoffFor(now, lineOf('auditYears').period(settings));
  const newest = audit.filter((e) => e.at >= auditCutoff).at(-1);
  if (newest) still.push(`the audit record of what they saw and changed until ${endOf(newest.at, lineOf('auditYears').period(settings)).slice(0, 10)}`);
  if (still.length > 0) throw new AppError('WITHIN_RETENTION', `${person.name} (${id}) cannot be erased yet. Still kept: ${still.join('; ')}.`);

  const training = new TrainingRepository(deps.store);
  const trainingDocs = await training.ofPerson(orgId, id);
  const conversations = new Conversations(deps.store);
  const chats = await conversations.ofPerson(orgId, id);
  const outbox = new OutboxRepository(deps.store);
  const messages = await outbox.toPerson(orgId, id);
  const markers = await surveys.respondedBy(orgId, id);
  const plan = new ActionPlan(deps.store);
  const actions = await plan.actionsLedBy(orgId, id);
  const directory = new Directory(deps.store);
  const related = (await directory.all({ orgId })).filter((p) => p.id !== id && (p.managerId === id || p.leave?.delegateId === id));
  // Each feature module's part, counted before anything changes: the erasure knows the modules only through their declarations.
  const features: ErasurePart[] = [];
  for (const { contribute } of erasureContributors()) features.push(await contribute(deps, orgId, person, FORMER));
  const steps: ErasureStep[] = [
    { what: 'training records and summary', count: trainingDocs.length, how: 'deleted' },
    { what: 'Teams chats with the bot', count: chats.length, how: 'deleted' },
    { what: 'delivery records of messages to them', count: messages.length, how: 'deleted' },
    { what: 'questionnaire "responded" markers', count: markers.length, how: 'deleted' },
    { what: 'actions they led (their name as lead and on their updates)', count: actions.length, how: 'anonymised' },
    { what: 'people they managed or covered for (the reference to them)', count: related.length, how: 'anonymised' },
    ...features.flatMap((f) => f.steps),
    { what: 'directory record', count: 1, how: 'deleted' },
  ];
  if (dryRun) return { person: { id, name: person.name }, steps, dryRun };

  for (const d of trainingDocs) await training.remove(orgId, d.id);
  for (const c of chats) await conversations.remove(orgId, c.id);
  for (const m of messages) await outbox.remove(orgId, m.id);
  for (const m of markers) await surveys.remove(orgId, m.id);
  const anonymise = (ref: PersonRef): PersonRef => (ref.personId === id ? FORMER : ref);
  for (const a of actions) {
    // Their older updates too, where they moved out of the action.
    await changeMovedHistory(deps.store, a, (h) => ({ ...h, by: anonymise(h.by) }));
    await plan.actions.update(orgId, a.id, (current) => ({
      ...current,
      leads: current.leads.map(anonymise),
      leadIds: current.leadIds.filter((l) => l !== id),
      history: current.history.map((h) => ({ ...h, by: anonymise(h.by) })),
    }));
  }
  for (const f of features) await f.erase();
  for (const p of related) {
    const { managerId, leave, ...rest } = p;
    await directory.save({ ...rest, ...(managerId && managerId !== id ? { managerId } : {}), ...(leave && leave.delegateId !== id ? { leave } : {}) });
  }
  await directory.remove(orgId, id);
  return { person: { id, name: person.name }, steps, dryRun };
}
