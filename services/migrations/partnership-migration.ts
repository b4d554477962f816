import type { Person } from '../people/model';
import type { TrainingRecord } from '../training/model';
import type { Doc, Store } from '../store/ports';
import { agencyDocId, type Agency, type Organisation } from '../organisation/model';
import { agencySlug } from '../organisation/agencies';
import { rebuildTrainingSummaries } from '../training/summaries';

/** Without the store's system fields, to write back. */
const strip = <T extends Doc>(doc: T): T => {
  const { _etag, _rid, _self, _ts, _attachments, ...plain } = doc as T & Record<string, unknown>;
  return plain as unknown as T;
};

/** Organisations that are not yet partnerships: no lead agency, and people in their directory. */
async function singleOrganisations(store: Store): Promise<{ org: Organisation; people: Person[] }[]> {
  const orgs: Organisation[] = [];
  for await (const doc of store.collection<Organisation & { kind?: string }>('organisations').readAll()) {
    if (doc.kind === undefined && doc.id === doc.orgId && !doc.leadAgencyId) orgs.push(doc);
  }
  if (orgs.length === 0) return [];
  const people = new Map<string, Person[]>(orgs.map((o) => [o.orgId, []]));
  for await (const person of store.collection<Person>('people').readAll()) people.get(person.orgId)?.push(person);
  return orgs.filter((o) => people.get(o.orgId)!.length > 0).map((org) => ({ org, people: people.get(org.orgId)! }));
}

/** Whether the migration below has anything to do: worth a backup first only when it has. */
export async function singleOrganisationPending(store: Store): Promise<boolean> {
  return (await singleOrganisations(store)).length > 0;
}

/**
 * An organisation from before agencies becomes a partnership with one agency, named after it and
 * leading it: every person with no agency joins it, and a person whose free-text agency named a
 * partner ("Thames Valley Police") joins an agency of that name, so no one's agency is lost.
 * Training records take their person's agency, so training queries can filter on it. The lead is
 * set last: a run cut short is finished by the next one, and a finished one finds nothing to do.
 */
export async function migrateToPartnership(store: Store): Promise<number> {
  let changed = 0;
  const agencies = store.collection<Agency>('organisations');
  for (const { org, people } of await singleOrganisations(store)) {
    const leadId = agencySlug(org.name) || agencySlug(org.orgId);
    const names = new Map<string, string>([[leadId, org.name]]);
    const agencyOfPerson = new Map<string, string>();
    for (const p of people) {
      const free = (p.agency ?? '').trim();
      const id = free ? agencySlug(free) || leadId : leadId;
      if (!names.has(id)) names.set(id, free);
      agencyOfPerson.set(p.id, id);
    }
    for (const [agencyId, name] of names) {
      if (await agencies.read(org.orgId, agencyDocId(agencyId))) continue;
      await agencies.upsert({ id: agencyDocId(agencyId), orgId: org.orgId, kind: 'agency', agencyId, name, tenantIds: [], createdAt: org.createdAt });
      changed++;
    }
    for (const p of people) {
      if (p.agency === agencyOfPerson.get(p.id)) continue;
      await store.collection<Person>('people').upsert({ ...strip(p), agency: agencyOfPerson.get(p.id)! });
      changed++;
    }
    const training = store.collection<TrainingRecord & { kind: string }>('training');
    const records: TrainingRecord[] = [];
    for await (const doc of training.readAll()) if (doc.orgId === org.orgId && doc.kind === 'record' && !doc.agency) records.push(doc);
    for (const record of records) {
      await training.upsert({ ...strip(record), agency: agencyOfPerson.get(record.personId) ?? leadId });
      changed++;
    }
    // Summaries carry their person's agency: rebuild those that differ now that records have one.
    if (records.length > 0) await rebuildTrainingSummaries(store, org.orgId);
    await store.collection<Organisation>('organisations').update(org.orgId, org.orgId, (o) => (o.leadAgencyId ? undefined : { ...o, leadAgencyId: leadId }));
    changed++;
  }
  return changed;
}
