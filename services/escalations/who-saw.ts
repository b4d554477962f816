import { mayViewWhoSawCase } from '../access/policy';
import { namesOf } from '../audit/names';
import { AuditRecords } from '../audit/repository';
import { AppError } from '../core/errors';
import type { Organisation } from '../organisation/model';
import type { Person } from '../people/model';
import type { Store } from '../store/ports';
import { getEscalation, isLeadOfCaseAgency } from './escalations';

/**
 * "Who has seen this" on a case: each time someone opened it, and where. For the safeguarding
 * leads of the case's agency and the partnership's administrators; to anyone else the case does
 * not exist, as everywhere else.
 */
export async function whoSawCase(
  store: Store,
  actor: Person,
  organisation: Organisation,
  escalationId: string,
): Promise<{ ref: string; seen: { at: string; name: string; surface: string }[] }> {
  const { escalation } = await getEscalation(store, actor, organisation, escalationId);
  const leadOfCaseAgency = await isLeadOfCaseAgency(store, actor, escalation);
  if (!mayViewWhoSawCase(actor, { leadOfCaseAgency }, organisation))
    throw new AppError('FORBIDDEN', 'Who has seen a case is for the safeguarding leads of its agency and the partnership’s administrators.');
  const entries = (await new AuditRecords(store).about(organisation.orgId, 'escalation', escalation.id)).filter((e) => e.action === 'view');
  const names = await namesOf(store, organisation.orgId, entries);
  return { ref: escalation.ref, seen: entries.map((e) => ({ at: e.at, name: names.get(e.who) ?? e.who, surface: e.surface })) };
}
