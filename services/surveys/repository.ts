import { toArray, type Collection, type Store } from '../store/ports';
import type { AudienceChunk, Campaign, FollowUpRule, Questionnaire, RespondedMarker, SurveyDoc } from './model';

/**
 * The surveys container's documents of one kind, for point reads and etag-checked writes (campaigns,
 * audience chunks, markers, answer shards, sealed sets, rules, added questionnaires): the one place
 * outside the store that opens it. Queries stay in SurveyRepository below.
 */
export const surveys = <T extends SurveyDoc>(store: Store) => store.collection<T>('surveys');

/** The surveys container as stored (questionnaires, campaigns, follow-up rules, responded markers): the only code that queries it. */
export class SurveyRepository {
  private readonly docs: Collection<SurveyDoc>;

  constructor(store: Store) {
    this.docs = surveys<SurveyDoc>(store);
  }

  /** The questionnaires the organisation added (the built-in ones are not stored). */
  addedQuestionnaires(orgId: string): Promise<Questionnaire[]> {
    return this.ofKind<Questionnaire>(orgId, 'questionnaire');
  }

  campaigns(orgId: string): Promise<Campaign[]> {
    return this.ofKind<Campaign>(orgId, 'campaign');
  }

  followUpRules(orgId: string): Promise<FollowUpRule[]> {
    return this.ofKind<FollowUpRule>(orgId, 'follow-up-rule');
  }

  /** How many have answered a campaign, by its markers (which say nothing of what was answered). */
  async respondedCount(orgId: string, campaignId: string): Promise<number> {
    return (await this.respondedPersonIds(orgId, campaignId)).length;
  }

  /** Who has answered a campaign, from its markers in one query: for response rates by group without a read per person. */
  respondedPersonIds(orgId: string, campaignId: string): Promise<string[]> {
    return toArray(
      this.docs.query({
        query: "SELECT VALUE c.personId FROM c WHERE c.orgId = @orgId AND c.kind = 'responded' AND c.campaignId = @id",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@id', value: campaignId },
        ],
      }),
    ) as unknown as Promise<string[]>;
  }

  /** The documents of a campaign that name people (its responded markers and audience lists), by id: for retention. */
  namingPeople(orgId: string, campaignId: string): Promise<Pick<SurveyDoc, 'id'>[]> {
    return toArray(
      this.docs.query({
        query: "SELECT c.id FROM c WHERE c.orgId = @orgId AND (c.kind = 'responded' OR c.kind = 'audience') AND c.campaignId = @id",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@id', value: campaignId },
        ],
      }),
    );
  }

  /** The campaigns a person was asked to answer (audience lists holding them), by campaign id. */
  async campaignIdsAsking(orgId: string, personId: string): Promise<string[]> {
    const chunks = (await toArray(
      this.docs.query({
        query: "SELECT c.campaignId FROM c WHERE c.orgId = @orgId AND c.kind = 'audience' AND ARRAY_CONTAINS(c.personIds, @personId)",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
        ],
      }),
    )) as unknown as Pick<AudienceChunk, 'campaignId'>[];
    return [...new Set(chunks.map((c) => c.campaignId))];
  }

  /** A person's "has responded" markers. */
  respondedBy(orgId: string, personId: string): Promise<RespondedMarker[]> {
    return toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'responded' AND c.personId = @personId",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
        ],
      }),
    ) as unknown as Promise<RespondedMarker[]>;
  }

  /** Retention and erasure only. */
  remove(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }

  private async ofKind<T extends SurveyDoc>(orgId: string, kind: T['kind']): Promise<T[]> {
    return (await toArray<SurveyDoc>(
      this.docs.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = @kind',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@kind', value: kind },
        ],
      }),
    )) as T[];
  }
}
