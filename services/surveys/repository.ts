import { toArray, type Collection, type Store } from '../store/ports';
import type { Campaign, FollowUpRule, Questionnaire, SurveyDoc } from './model';

/** The surveys container as stored (questionnaires, campaigns, follow-up rules, responded markers): the only code that queries it. */
export class SurveyRepository {
  private readonly docs: Collection<SurveyDoc>;

  constructor(store: Store) {
    this.docs = store.collection<SurveyDoc>('surveys');
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

  private async ofKind<T extends SurveyDoc>(orgId: string, kind: T['kind']): Promise<T[]> {
    return (await toArray<SurveyDoc>(this.docs.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = @kind', parameters: [{ name: '@orgId', value: orgId }, { name: '@kind', value: kind }] }))) as T[];
  }
}
