import type { EventHandler } from '../events/domain-events';
import type { Doc, Store } from '../store/ports';
import { TrainingRepository } from './repository';
import { rebuildTrainingSummaries } from './summaries';

/**
 * When a partnership's first lead agency is chosen, every training record with no agency joins it,
 * as the people did, so every record of a partnership names its agency and reads can filter on it
 * in the store. Idempotent: a record that has an agency is left alone.
 */
export async function stampTrainingWithLead(store: Store, orgId: string, leadId: string): Promise<number> {
  const training = new TrainingRepository(store);
  const records = (await training.records({ orgId })).filter((r) => !r.agency);
  for (const record of records) await training.save({ ...withoutSystemFields(record), agency: leadId });
  // Training summaries carry their person's agency too.
  if (records.length > 0) await rebuildTrainingSummaries(store, orgId);
  return records.length;
}

/** The reaction to a lead agency chosen, registered with the other event handlers. */
export const onLeadAgencyChosen: EventHandler<'LeadAgencyChosen'> = async (event, ctx) => {
  await stampTrainingWithLead(ctx.store, event.orgId, event.agencyId);
};

/** A stored document without the store's own fields, to write back. */
function withoutSystemFields<T extends Doc>(doc: T): T {
  const { _etag, _rid, _self, _ts, _attachments, ...plain } = doc as T & Record<string, unknown>;
  return plain as unknown as T;
}
