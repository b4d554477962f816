import { DateTime } from 'luxon';
import { allows, mayViewAuditReport, type Requester } from '../access/policy';
import { AppError } from '../core/errors';
import { formatInstant } from '../core/dates';
import type { Report } from '../core/report';
import type { Organisation } from '../organisation/model';
import { Directory } from '../people/repository';
import type { Store } from '../store/ports';
import { OPERATOR_ID, type AuditEntry } from '../audit/model';
import { AuditRecords } from '../audit/repository';
import { namesOf } from '../audit/names';

const ACTION_WORDS: Record<AuditEntry['action'], string> = { view: 'viewed', export: 'exported', backup: 'backed up', change: 'changed' };

/** Names for the people in the entries, read once each; someone erased since shows as their id. */
/** `from`..`to` (inclusive ISO dates, in the organisation's time zone) as UTC instants. */
function instantsOf(from: string, to: string, timeZone: string): { from: string; to: string } {
  const start = DateTime.fromISO(from, { zone: timeZone });
  const end = DateTime.fromISO(to, { zone: timeZone }).plus({ days: 1 });
  if (!start.isValid || !end.isValid) throw new AppError('VALIDATION', 'The dates must be such as 2026-04-01.');
  if (start >= end) throw new AppError('VALIDATION', '--from must not be after --to.');
  return { from: start.toUTC().toISO()!, to: end.toUTC().toISO()! };
}

/**
 * Who saw or changed what between two dates, optionally by one person or about one record: for
 * the partnership's administrators. Reading the record is itself recorded by the caller.
 */
export async function auditReport(
  store: Store,
  organisation: Pick<Organisation, 'orgId' | 'leadAgencyId' | 'timeZone'>,
  input: { from: string; to: string; person?: string; record?: string; requester: Requester },
): Promise<Report> {
  if (!allows(input.requester, (a) => mayViewAuditReport(a, organisation)))
    throw new AppError('FORBIDDEN', 'The record of who saw what is for the partnership’s administrators.');
  let who: string | undefined;
  if (input.person !== undefined) {
    const directory = new Directory(store);
    const person =
      input.person === OPERATOR_ID
        ? undefined
        : ((await directory.get(organisation.orgId, input.person)) ?? (await directory.byEmail({ orgId: organisation.orgId }, input.person)));
    // Someone erased since is still asked for by their id.
    who = person?.id ?? input.person;
  }
  const range = instantsOf(input.from, input.to, organisation.timeZone);
  const entries = await new AuditRecords(store).between(organisation.orgId, range.from, range.to, {
    ...(who ? { who } : {}),
    ...(input.record ? { recordId: input.record } : {}),
  });
  const names = await namesOf(store, organisation.orgId, entries);
  return {
    title: `Who saw or changed what, ${input.from} to ${input.to}`,
    headers: ['When', 'Who', 'Person id', 'Where', 'Did', 'Record kind', 'Record id', 'Agency scope', 'Detail'],
    rows: entries.map((e) => [
      formatInstant(e.at, organisation.timeZone),
      names.get(e.who) ?? e.who,
      e.who,
      e.surface,
      ACTION_WORDS[e.action],
      e.record.kind,
      e.record.id,
      e.agency ?? 'every agency',
      e.detail ?? '',
    ]),
    notes: [
      `${entries.length} entries${who ? ` by ${who}` : ''}${input.record ? ` about ${input.record}` : ''}. Times in ${organisation.timeZone}.`,
      'This list names people: handle it as personal data.',
    ],
  };
}
