import { isAppError } from '../core/errors';
import { mayViewSurveyResults } from '../access/policy';
import type { Person } from '../people/model';
import type { PartnershipSource } from '../organisation/organisations';
import { listCampaigns } from '../surveys';
import { MIN_GROUP } from '../core/figures';
import { campaignResults } from '../surveys';

/** The built-in questionnaire an agency sends its practitioners before its return (`survey send s11-practitioner`). */
export const PRACTITIONER_SURVEY_KEY = 's11-practitioner';

/**
 * The practitioner survey beside an agency's return: the headlines of the agency's latest campaign
 * of it, once at least MIN_GROUP have answered, under the questionnaires' own rules (who may see
 * results, and what is withheld). Nothing for someone those rules keep from the results.
 */
export async function practitionerSurveyLine(deps: PartnershipSource, actor: Person, agency: string): Promise<string> {
  if (!mayViewSurveyResults(actor)) return '';
  const [latest] = (await listCampaigns(deps.store, actor.orgId))
    .filter((c) => c.questionnaire.key === PRACTITIONER_SURVEY_KEY && c.agency === agency && c.status !== 'scheduled')
    .sort((a, b) => b.sendAt.localeCompare(a.sendAt));
  if (!latest) return '';
  try {
    const r = await campaignResults(deps, actor.orgId, latest.id, actor);
    if (r.withheld || r.responded < MIN_GROUP)
      return `Practitioner survey: ${r.responded} of ${r.invited} answered so far; its results show here from ${MIN_GROUP} answers.`;
    return `Practitioner survey (${r.responded} of ${r.invited} answered): ${r.highlights.map((h) => `${h.label} ${h.pct}%`).join('; ')}.`;
  } catch (e) {
    if (isAppError(e, 'NOT_FOUND') || isAppError(e, 'FORBIDDEN')) return '';
    throw e;
  }
}
