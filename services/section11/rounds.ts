import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import { formatDate, localDate, today } from '../core/dates';
import { AppError } from '../core/errors';
import type { Report } from '../core/report';
import { agencyOf, allows, mayRunSection11, mayScrutiniseSection11, OPERATOR, type Partnership, type Requester } from '../access/policy';
import { enqueue } from '../delivery/outbox';
import type { OutboxItem } from '../delivery/model';
import { listAgencies, requireAgency } from '../organisation/agencies';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import type { Organisation } from '../organisation/model';
import { hasRole, type Person } from '../people/model';
import { Directory } from '../people/repository';
import type { JobContext } from '../scheduling/job-context';
import type { Store } from '../store/ports';
import { SCALE_NAMES, type PersonStamp, type S11Return, type S11Round, type ScaleName } from './model';
import { Section11Store } from './repository';
import { inChallenge, stateOf } from './rules';
import { findStandardSet } from './standards';

/** `organisation`: when the caller's context holds it (a Teams turn's does), it is the partnership too. */
export type Section11Deps = { store: Store; clock: Clock; organisation?: Organisation };

export type { Requester };
/** Who starts a round: a person (recorded by name on the requests) or the operator at the command line. */
export type Starter = Person | typeof OPERATOR;

const stampOf = (requester: Starter): PersonStamp =>
  requester === OPERATOR ? { name: 'the operator (command line)' } : { personId: requester.id, name: requester.name };

const isDate = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text));

/**
 * The people asked for an agency's return: its active Section 11 leads, or, where it has none,
 * its safeguarding leads (the access policy gives the same people the right to complete it).
 */
export async function returnLeadsOf(store: Store, orgId: string, agency: string, partnership: Partnership): Promise<{ leads: Person[]; named: boolean }> {
  const people = (await new Directory(store).all({ orgId })).filter((p) => p.active && agencyOf(p, partnership) === agency);
  const named = people.filter((p) => hasRole(p, 's11-lead'));
  return named.length ? { leads: named, named: true } : { leads: people.filter((p) => hasRole(p, 'safeguarding-lead')), named: false };
}

/** Whether the agency names Section 11 leads of its own, for the access policy. */
export async function agencyHasS11Lead(store: Store, orgId: string, agency: string, partnership: Partnership): Promise<boolean> {
  return (await returnLeadsOf(store, orgId, agency, partnership)).named;
}

export type StartInput = {
  orgId: string;
  requester: Starter;
  standards: string;
  closesOn: string;
  timeZone: string;
  agencies?: string[];
  scale?: string;
  challengeEventOn?: string;
  planId?: string;
};

/**
 * Starts a round: asks each agency's Section 11 lead for a return against a set of standards by a
 * date, through the outbox. One round is open at a time.
 */
export async function startSection11Round(deps: Section11Deps, input: StartInput): Promise<{ round: S11Round; withoutLead: string[] }> {
  const partnership = await partnershipFor(deps, input.orgId);
  if (!allows(input.requester, (a) => mayRunSection11(a, partnership)))
    throw new AppError('FORBIDDEN', 'Only the partnership’s administrators start a Section 11 round.');
  const day = today(deps.clock, input.timeZone);
  if (!isDate(input.closesOn))
    throw new AppError('VALIDATION', `"${input.closesOn.slice(0, 20)}" is not a date; give the closing date as YYYY-MM-DD.`, {
      fields: [{ field: 'closesOn', message: 'Give a date.' }],
    });
  if (input.closesOn <= day)
    throw new AppError('VALIDATION', 'The round’s closing date must be in the future.', { fields: [{ field: 'closesOn', message: 'Must be in the future.' }] });
  if (input.challengeEventOn !== undefined && (!isDate(input.challengeEventOn) || input.challengeEventOn <= day))
    throw new AppError('VALIDATION', 'The challenge event date must be a date (YYYY-MM-DD) in the future.');
  if (input.scale !== undefined && !SCALE_NAMES.includes(input.scale as ScaleName))
    throw new AppError('VALIDATION', `The scale "${input.scale.slice(0, 20)}" is not one of ${SCALE_NAMES.join(', ')}.`);
  const repo = new Section11Store(deps.store);
  const open = await repo.openRound(input.orgId);
  if (open)
    throw new AppError(
      'VALIDATION',
      `A Section 11 round is already open (closing ${formatDate(open.closesOn)}). Close it first: it closes by itself the day after.`,
    );
  const set = await findStandardSet(deps.store, input.orgId, input.standards);
  const all = await listAgencies(deps.store, input.orgId);
  if (all.length === 0) throw new AppError('VALIDATION', 'The partnership has no agencies yet: add them first (npm run cli -- agency add).');
  const wanted = input.agencies?.length ? await Promise.all([...new Set(input.agencies)].map((id) => requireAgency(deps.store, input.orgId, id))) : all;

  const agencies: S11Round['agencies'] = [];
  const withoutLead: string[] = [];
  for (const agency of wanted) {
    const { leads } = await returnLeadsOf(deps.store, input.orgId, agency.agencyId, partnership);
    if (leads.length === 0) withoutLead.push(agency.name);
    agencies.push({ agency: agency.agencyId, name: agency.name, leads: leads.map((p) => ({ personId: p.id, name: p.name })) });
  }
  const round: S11Round = {
    id: `s11-round-${day}-${randomUUID().slice(0, 8)}`,
    orgId: input.orgId,
    kind: 's11-round',
    year: Number(input.closesOn.slice(0, 4)),
    standards: { key: set.key, version: set.version },
    scale: (input.scale as ScaleName | undefined) ?? set.scale,
    closesOn: input.closesOn,
    startedAt: deps.clock.now().toISOString(),
    startedBy: stampOf(input.requester),
    status: 'open',
    agencies,
    ...(input.challengeEventOn ? { challengeEventOn: input.challengeEventOn } : {}),
    ...(input.planId ? { planId: input.planId } : {}),
  };
  await repo.createRound(round);
  for (const a of agencies) {
    for (const lead of a.leads) {
      await tell(deps, round, lead.personId!, 'round-request', `request-${lead.personId}`, {
        title: `Section 11 self-assessment: ${a.name}’s return is due by ${formatDate(round.closesOn)}`,
        text: `${round.startedBy.name} has started the partnership’s Section 11 self-assessment (${set.title}, ${set.standards.length} standards). Type "self-assessment" to open ${a.name}’s return: it saves as you go, and anyone asked for it in your agency can continue it.`,
      });
    }
  }
  return { round, withoutLead };
}

/** The leads a round can still tell: a lead erased as a leaver is named only as a former member of staff. */
const reachable = (leads: PersonStamp[]) => leads.filter((l): l is PersonStamp & { personId: string } => !!l.personId);

/** A notice about the round to one person, through the outbox, once per id. */
async function tell(
  deps: Section11Deps,
  round: S11Round,
  personId: string,
  purpose: OutboxItem['purpose'],
  what: string,
  message: { title: string; text: string },
): Promise<boolean> {
  const { created } = await enqueue(deps.store, deps.clock, {
    id: `${round.id}-${what}`,
    orgId: round.orgId,
    purpose,
    recipient: { personId },
    message: { kind: 'notice', ...message },
  });
  return created;
}

export { tell as tellAboutRound };

/** The open round, else the latest; none at all is a clear error. */
export async function currentRound(store: Store, orgId: string, roundId?: string): Promise<S11Round> {
  const repo = new Section11Store(store);
  const round = roundId
    ? await repo.round(orgId, roundId)
    : ((await repo.openRound(orgId)) ?? (await repo.rounds(orgId)).sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0]);
  if (!round)
    throw new AppError(
      'NOT_FOUND',
      roundId ? `There is no Section 11 round "${roundId.slice(0, 60)}".` : 'No Section 11 round has been started (npm run cli -- s11 start).',
    );
  return round;
}

/** The round before this one, for carrying answers forward and showing the change. */
export async function previousRound(store: Store, round: S11Round): Promise<S11Round | undefined> {
  return (await new Section11Store(store).rounds(round.orgId))
    .filter((r) => r.startedAt < round.startedAt)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}

/**
 * Who has submitted, is in progress or has not started, and what is in challenge: the command
 * line's `s11 status` and the Teams summary card. It names agencies, not people's answers: for the
 * partnership's administrators and business manager.
 */
export async function section11Status(deps: PartnershipSource, input: { orgId: string; requester: Requester; roundId?: string }): Promise<Report> {
  const { store } = deps;
  const partnership = await partnershipFor(deps, input.orgId);
  if (!allows(input.requester, (a) => mayScrutiniseSection11(a, partnership)))
    throw new AppError('FORBIDDEN', 'The Section 11 summary is for the partnership’s business manager and administrators.');
  const round = await currentRound(store, input.orgId, input.roundId);
  const returns = new Map((await new Section11Store(store).returnsOf(input.orgId, round.id)).map((r) => [r.agency, r]));
  const rows = round.agencies.map((a) => {
    const ret = returns.get(a.agency);
    const challenged = ret ? inChallenge(ret).length : 0;
    return [
      a.name,
      stateOf(ret),
      challenged,
      ret?.submittedAt ? formatDate(ret.submittedAt.slice(0, 10)) : '',
      a.leads.length ? a.leads.map((l) => l.name).join(', ') : 'no lead: grant s11-lead',
    ];
  });
  const counts = (state: string) => rows.filter((r) => r[1] === state).length;
  return {
    title: `Section 11 ${round.year}: ${round.status === 'open' ? `closes ${formatDate(round.closesOn)}` : 'closed'}`,
    headers: ['Agency', 'State', 'In challenge', 'Submitted', 'Asked'],
    rows,
    notes: [
      `${counts('not started')} not started, ${counts('in progress')} in progress, ${counts('submitted') + counts('challenged') + counts('accepted')} submitted (${counts('challenged')} in challenge, ${counts('accepted')} accepted).`,
      ...(round.challengeEventOn ? [`Challenge event: ${formatDate(round.challengeEventOn)}.`] : []),
    ],
  };
}

/** Sets (or moves) the round's challenge event. */
export async function setChallengeEvent(deps: Section11Deps, input: { orgId: string; requester: Requester; on: string; timeZone: string }): Promise<S11Round> {
  const partnership = await partnershipFor(deps, input.orgId);
  if (!allows(input.requester, (a) => mayScrutiniseSection11(a, partnership)))
    throw new AppError('FORBIDDEN', 'The challenge event is set by the partnership’s business manager and administrators.');
  if (!isDate(input.on) || input.on <= today(deps.clock, input.timeZone))
    throw new AppError('VALIDATION', 'The challenge event date must be a date (YYYY-MM-DD) in the future.');
  const round = await currentRound(deps.store, input.orgId);
  return new Section11Store(deps.store).updateRound(input.orgId, round.id, (r) => ({ ...r, challengeEventOn: input.on }));
}

const submitted = (ret: S11Return | undefined) => !!ret && ret.status !== 'in-progress';

/**
 * The daily job: every second working day from the start, and on the closing day, a chaser to
 * each lead of an agency that has not submitted; the day after closing, the round closes, and
 * those leads and whoever started it are told.
 */
export async function chaseSection11(ctx: JobContext): Promise<Record<string, unknown>> {
  const deps = { store: ctx.store, clock: ctx.clock };
  const repo = new Section11Store(ctx.store);
  const round = await repo.openRound(ctx.orgId);
  const day = today(ctx.clock, ctx.organisation.timeZone);
  if (!round) return { day, chasers: 0, closed: 0 };
  const returns = new Map((await repo.returnsOf(ctx.orgId, round.id)).map((r) => [r.agency, r]));
  const outstanding = round.agencies.filter((a) => !submitted(returns.get(a.agency)));
  let chasers = 0;
  if (day > round.closesOn) {
    await repo.updateRound(ctx.orgId, round.id, (r) => (r.status === 'closed' ? undefined : { ...r, status: 'closed' }));
    for (const a of outstanding) {
      for (const lead of reachable(a.leads)) {
        await tell(deps, round, lead.personId, 'round-chaser', `closed-${lead.personId}`, {
          title: `Section 11 round closed without ${a.name}’s return`,
          text: `The round closed on ${formatDate(round.closesOn)}. Your return can no longer be submitted; the partnership’s business manager will be in touch.`,
        });
      }
    }
    if (round.startedBy.personId) {
      await tell(deps, round, round.startedBy.personId, 'round-summary', 'closed-summary', {
        title: `Section 11 round closed`,
        text: `${round.agencies.length - outstanding.length} of ${round.agencies.length} agencies submitted. Type "s11 summary" for who is in challenge, "s11 report" for the grid.`,
      });
    }
    return { day, chasers: 0, closed: 1 };
  }
  const sinceStart = ctx.calendar.workingDaysBetween(localDate(round.startedAt, ctx.organisation.timeZone), day);
  if (day === round.closesOn || (sinceStart > 0 && sinceStart % 2 === 0)) {
    for (const a of outstanding) {
      for (const lead of reachable(a.leads)) {
        const created = await tell(deps, round, lead.personId, 'round-chaser', `chase-${day}-${lead.personId}`, {
          title: `Reminder: ${a.name}’s Section 11 return is due by ${formatDate(round.closesOn)}`,
          text: `We have not had ${a.name}’s return yet. Type "self-assessment" to continue it where it was left.`,
        });
        if (created) chasers++;
      }
    }
  }
  return { day, chasers, closed: 0 };
}
