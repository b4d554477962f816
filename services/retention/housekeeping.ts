import type { Clock } from '../core/clock';
import { AuditRecords } from '../audit/repository';
import { Conversations } from '../conversations/repository';
import type { DeliveryRecord, OutboxItem } from '../delivery/model';
import { OutboxRepository } from '../delivery/repository';
import { EscalationRecords } from '../escalations';
import { Directory } from '../people/repository';
import type { Store } from '../store/ports';
import { SurveyRepository } from '../surveys';
import { TrainingRepository } from '../training';
import { cutoffFor, endOf, lineOf, ttlSeconds, type RetentionSettings } from '../store/retention-schedule';

export type RetentionResult = Record<keyof RetentionSettings, number>;

/**
 * Applies the retention schedule (./schedule.ts) to one organisation as at the clock: each line's
 * records past their period are removed, or for outbox messages their content. Run by the
 * housekeeping job on both stores: the embedded store never expires anything, and on Azure this
 * covers what TTL cannot (periods counted from a field, part of a document).
 */
export async function applyRetention(deps: { store: Store; clock: Clock }, orgId: string, settings: RetentionSettings): Promise<RetentionResult> {
  const now = deps.clock.now();
  const cutoff = (key: keyof RetentionSettings) => cutoffFor(now, lineOf(key).period(settings));
  const result: RetentionResult = { messageBodyDays: 0, deliveryRecordDays: 0, unlinkedSignInDays: 0, closedEscalationYears: 0, leaverTrainingYears: 0, campaignYears: 0, auditYears: 0 };

  const outbox = new OutboxRepository(deps.store);
  for (const { id } of await outbox.finishedBefore(orgId, cutoff('deliveryRecordDays'))) {
    await outbox.remove(orgId, id);
    result.deliveryRecordDays++;
  }
  const recordPeriod = lineOf('deliveryRecordDays').period(settings);
  for (const item of await outbox.withBodyFinishedBefore(orgId, cutoff('messageBodyDays'))) {
    const finished = item.sentAt ?? item.createdAt;
    // Azure then deletes the record itself when its own period ends (counted from this write).
    const remaining = Math.max(60, Math.round((Date.parse(endOf(finished, recordPeriod)) - now.getTime()) / 1000));
    await outbox.update(orgId, item.id, (current) => {
      const { message: _content, ...kept } = current;
      return { ...kept, bodyRemovedAt: now.toISOString(), ttl: Math.min(remaining, ttlSeconds(recordPeriod)) } satisfies DeliveryRecord as unknown as OutboxItem;
    });
    result.messageBodyDays++;
  }

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
