import type { Clock } from '../core/clock';
import { AuditRecords } from '../audit/repository';
import { Conversations } from '../conversations/repository';
import type { DeliveryRecord, OutboxItem } from '../delivery/model';
import { OutboxRepository } from '../delivery/repository';
import { EscalationRecords } from '../escalations';
import { Directory } from '../people/repository';
import { SurveyRepository } from '../surveys';
import { TrainingRepository } from '../training';
import { cutoffFor, endOf, lineOf, ttlSeconds, type RetentionSettings } from '../store/retention-schedule';
import type { Page, Store } from '../store/ports';
import { mapConcurrently } from '../core/concurrency';

export type RetentionResult = Record<keyof RetentionSettings, number>;

/** Items a housekeeping query brings at once, and writes in flight: memory and the store's load stay bounded however many there are. */
const HOUSEKEEPING_PAGE = 500;
const HOUSEKEEPING_WRITES_IN_FLIGHT = 8;

/**
 * Works through what `page` finds a page at a time (following the store's continuation, so what is
 * removed or changed behind it is not met again), doing `each` a few at a time. Returns how many.
 */
export function inPages<T>(page: (at: { pageSize: number; continuation?: string }) => Promise<Page<T>>, each: (item: T) => Promise<void>): Promise<number> {
  return pageByPage(page, (items) => mapConcurrently(items, HOUSEKEEPING_WRITES_IN_FLIGHT, each).then(() => undefined));
}

/** As inPages, with each page handled whole: for deletes through the bulk API, a few round trips a page. */
export async function pageByPage<T>(
  page: (at: { pageSize: number; continuation?: string }) => Promise<Page<T>>,
  eachPage: (items: T[]) => Promise<void>,
): Promise<number> {
  let done = 0;
  let continuation: string | undefined;
  do {
    const found = await page({ pageSize: HOUSEKEEPING_PAGE, ...(continuation ? { continuation } : {}) });
    await eachPage(found.items);
    done += found.items.length;
    continuation = found.continuation;
  } while (continuation);
  return done;
}

/**
 * Applies the retention schedule (./schedule.ts) to one organisation as at the clock: each line's
 * records past their period are removed, or for outbox messages their content. Run by the
 * housekeeping job on both stores: the embedded store never expires anything, and on Azure this
 * covers what TTL cannot (periods counted from a field, part of a document).
 */
export async function applyRetention(deps: { store: Store; clock: Clock }, orgId: string, settings: RetentionSettings): Promise<RetentionResult> {
  const now = deps.clock.now();
  const cutoff = (key: keyof RetentionSettings) => cutoffFor(now, lineOf(key).period(settings));
  const result: RetentionResult = {
    messageBodyDays: 0,
    deliveryRecordDays: 0,
    unlinkedSignInDays: 0,
    closedEscalationYears: 0,
    leaverTrainingYears: 0,
    campaignYears: 0,
    auditYears: 0,
  };

  const outbox = new OutboxRepository(deps.store);
  // Tens of thousands a week at county scale: a page at a time through the bulk API, not one round trip each.
  result.deliveryRecordDays = await pageByPage(
    (page) => outbox.finishedBefore(orgId, cutoff('deliveryRecordDays'), page),
    async (finished) => {
      await outbox.removeMany(
        orgId,
        finished.map(({ id }) => id),
      );
    },
  );
  const recordPeriod = lineOf('deliveryRecordDays').period(settings);
  result.messageBodyDays = await inPages(
    (page) => outbox.withBodyFinishedBefore(orgId, cutoff('messageBodyDays'), page),
    async (item) => {
      const finished = item.sentAt ?? item.createdAt;
      // Azure then deletes the record itself when its own period ends (counted from this write).
      const remaining = Math.max(60, Math.round((Date.parse(endOf(finished, recordPeriod)) - now.getTime()) / 1000));
      await outbox.update(orgId, item.id, (current) => {
        const { message: _content, ...kept } = current;
        return {
          ...kept,
          bodyRemovedAt: now.toISOString(),
          ttl: Math.min(remaining, ttlSeconds(recordPeriod)),
        } satisfies DeliveryRecord as unknown as OutboxItem;
      });
    },
  );

  const conversations = new Conversations(deps.store);
  for (const { id } of await conversations.unlinkedBefore(orgId, cutoff('unlinkedSignInDays'))) {
    await conversations.remove(orgId, id);
    result.unlinkedSignInDays++;
  }

  const escalations = new EscalationRecords(deps.store);
  for (const { id } of await escalations.closedBefore(orgId, cutoff('closedEscalationYears'))) {
    await escalations.remove(orgId, id);
    result.closedEscalationYears++;
  }

  const training = new TrainingRepository(deps.store);
  for (const leaver of await new Directory(deps.store).leftBefore(orgId, cutoff('leaverTrainingYears').slice(0, 10))) {
    for (const doc of await training.ofPerson(orgId, leaver.id)) {
      await training.remove(orgId, doc.id);
      result.leaverTrainingYears++;
    }
  }

  const surveys = new SurveyRepository(deps.store);
  const campaignCutoff = cutoff('campaignYears').slice(0, 10);
  for (const campaign of await surveys.campaigns(orgId)) {
    if (campaign.status !== 'closed' || campaign.closesOn >= campaignCutoff) continue;
    for (const { id } of await surveys.namingPeople(orgId, campaign.id)) {
      await surveys.remove(orgId, id);
      result.campaignYears++;
    }
  }

  const audit = new AuditRecords(deps.store);
  for (const { id } of await audit.writtenBefore(orgId, cutoff('auditYears'))) {
    await audit.expire(orgId, id);
    result.auditYears++;
  }
  return result;
}
