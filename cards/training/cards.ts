import type { FieldIssue } from '../../services/core/errors';
import { featureCards, listedText, md, type AdaptiveCardJson, type PageInfo } from '../render';
import { pageOf } from '../views';
import trainingReport from './templates/training-report.json';
import trainingVerify from './templates/training-verify.json';

export type TrainingFormFields = 'courseCode' | 'completedOn' | 'certificateUrl';

/** What each of the training cards is expanded with. */
export type TrainingCardData = {
  'training-report': {
    notice: string;
    courses: { code: string; name: string }[];
    values: Record<TrainingFormFields, string>;
    errors: Record<TrainingFormFields, string>;
  };
  'training-verify': { heading: string; count: number; items: { id: string; title: string; detail: string }[]; paging: PageInfo };
};

const render = featureCards<TrainingCardData>({ 'training-report': trainingReport, 'training-verify': trainingVerify });

const TRAINING_FIELDS: TrainingFormFields[] = ['courseCode', 'completedOn', 'certificateUrl'];

export function trainingReportCard(
  courses: { code: string; name: string }[],
  options: { values?: Record<string, unknown>; issues?: FieldIssue[]; notice?: string } = {},
): AdaptiveCardJson {
  const values = Object.fromEntries(
    TRAINING_FIELDS.map((f) => [f, typeof options.values?.[f] === 'string' ? (options.values[f] as string).slice(0, 500) : '']),
  ) as Record<TrainingFormFields, string>;
  const errors = Object.fromEntries(
    TRAINING_FIELDS.map((f) => [
      f,
      (options.issues ?? [])
        .filter((i) => i.field === f)
        .map((i) => i.message)
        .join(' '),
    ]),
  ) as Record<TrainingFormFields, string>;
  return render('training-report', { notice: md(options.notice ?? ''), courses, values, errors });
}

export function trainingVerifyCard(items: { id: string; title: string; detail: string }[], page = 0): AdaptiveCardJson {
  const { shown, paging } = pageOf(items, page);
  return render('training-verify', {
    heading: `Training to verify (${items.length})`,
    count: items.length,
    items: shown.map((i) => ({ id: i.id, title: md(listedText(i.title)), detail: md(listedText(i.detail)) })),
    paging,
  });
}
