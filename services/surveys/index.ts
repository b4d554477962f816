/** The public face of surveys: campaigns, their answers and results, for the dashboards and retention. Other features import only this; keep it to what they use. */
export { answersOf } from './answer-pool';
export { audienceOf, campaignsVisibleTo, describeAudience, listCampaigns } from './campaigns';
export { findQuestionnaire } from './questionnaires';
export { SurveyRepository } from './repository';
export { campaignFigures, campaignResults, NOT_RECORDED, resultsReport, withheldNotice } from './results';
