import { Directory } from '../people/repository';
import type { Store } from '../store/ports';
import { OPERATOR_ID, type AuditEntry } from './model';

/** The names of who made the entries, as the directory holds them now; the command line's operator by that name. */
export async function namesOf(store: Store, orgId: string, entries: AuditEntry[]): Promise<Map<string, string>> {
  const directory = new Directory(store);
  const ids = [...new Set(entries.map((e) => e.who))].filter((id) => id !== OPERATOR_ID);
  const people = await Promise.all(ids.map((id) => directory.get(orgId, id)));
  return new Map([[OPERATOR_ID, 'Operator (command line)'], ...people.flatMap((p) => (p ? [[p.id, p.name] as const] : []))]);
}
