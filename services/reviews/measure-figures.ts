import type { Store } from '../store/ports';
import { answersOf } from '../surveys';
import { listCampaigns } from '../surveys';
import { findQuestionnaire } from '../surveys';
import { campaignFigures, withheldNotice } from '../surveys';
import { SurveyRepository } from '../surveys';

/**
 * A questionnaire's result beside an impact check, as figures under the questionnaire's own
 * anonymity rules (campaignFigures: nothing while an anonymous campaign is open or under five
 * answers; written answers never). Only the partnership's campaigns count: an agency's own
 * campaign is for its own survey roles, and a check's owner may be anyone.
 */
export async function measureFigures(store: Store, orgId: string, questionnaireKey: string): Promise<string[]> {
  const campaigns = (await listCampaigns(store, orgId)).filter(
    (c) => c.questionnaire.key === questionnaireKey && c.agency === undefined && c.status !== 'scheduled',
  );
  const latest = campaigns.find((c) => c.status === 'closed') ?? campaigns[0];
  if (!latest) return [`No campaign of the questionnaire "${questionnaireKey}" has been sent yet.`];
  const responded = (await new SurveyRepository(store).respondedPersonIds(orgId, latest.id)).length;
  const lines = [`${latest.title}: ${responded} of ${latest.invited} answered${latest.status === 'closed' ? '' : ' so far'}.`];
  const questionnaire = await findQuestionnaire(store, orgId, latest.questionnaire.key, latest.questionnaire.version);
  const figures = campaignFigures(latest, questionnaire, await answersOf(store, latest));
  if (figures.withheld) return [...lines, withheldNotice({ withheld: figures.withheld, campaign: latest })];
  for (const h of figures.highlights) lines.push(`${h.label}: ${h.pct}% (${h.count} of ${h.of})`);
  for (const q of figures.questions) if (q.mean !== undefined) lines.push(`${q.text}: average ${q.mean} of 5 (${q.answered} answered)`);
  return lines;
}
