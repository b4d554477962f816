import { formatDate } from '../../services/core/dates';
import { fixedAnswers, inputName, pagesOf } from '../../services/surveys/answers';
import type { Campaign } from '../../services/surveys/model';
import type { SurveyView } from '../../services/surveys/responses';
import { listedText, md, renderCard, type AdaptiveCardJson, type CardData } from '../render';
import { pageOf } from '../views';

/** The card a respondent sees: one page of questions, or their answers saved. */
export function surveyCard(view: SurveyView): AdaptiveCardJson {
  if (view.kind === 'saved') {
    return renderCard('questionnaire-saved', {
      heading: view.changed ? 'Your changed answers are saved' : 'Thank you: your answers are saved',
      title: md(view.campaign.title),
      closes: formatDate(view.campaign.closesOn),
      anonymous: view.campaign.anonymous,
      campaignId: view.campaign.id,
      answerKey: view.answerKey,
    });
  }
  const pages = pagesOf(view.questionnaire);
  const page = pages[view.page]!;
  const onPage = new Set(page.map((q) => q.id));
  // Answers from other pages travel in the card, so nothing half-finished is ever stored.
  const carried = JSON.stringify(Object.fromEntries(Object.entries(view.raw).filter(([id]) => !onPage.has(id))));
  const first = view.questionnaire.questions.indexOf(page[0]!);
  const questions: CardData['questionnaire-page']['questions'] = page.map((q, i) => ({
    // The input's own label is the question (screen readers announce it with the input): no heading repeats it.
    text: `${first + i + 1}. ${q.text}${q.required ? '' : ' (optional)'}`,
    help: md(q.help ?? ''),
    input: q.type === 'text' ? 'text' : q.type === 'date' ? 'date' : 'choice',
    inputId: inputName(q.id),
    multi: q.type === 'multi',
    maxLength: q.type === 'text' ? q.maxLength : 0,
    value: view.raw[q.id] ?? '',
    error: view.issues
      .filter((x) => x.field === q.id)
      .map((x) => x.message)
      .join(' '),
    choices: fixedAnswers(q).map((a) => ({ title: a.label, value: a.value })),
  }));
  const isLast = view.page === pages.length - 1;
  return renderCard('questionnaire-page', {
    title: md(view.questionnaire.title),
    intro: view.page === 0 ? md(view.questionnaire.intro) : '',
    progress: `${pages.length > 1 ? `Page ${view.page + 1} of ${pages.length}. ` : ''}Open until ${formatDate(view.campaign.closesOn)}.${view.campaign.anonymous ? ' Anonymous.' : ''}${view.changing ? ' You are changing your answers.' : ''}${view.note ? ` ${view.note}` : ''}`,
    notice: view.issues.length ? 'Please check the answers marked below.' : '',
    campaignId: view.campaign.id,
    page: view.page,
    carried,
    answerKey: view.answerKey,
    canGoBack: view.page > 0,
    isLast,
    submitLabel: view.changing ? 'Save changes' : 'Submit',
    questions,
  });
}

/**
 * The questionnaires a person may answer or review, one entry per campaign, a page at a time.
 * An entry offers one button: Answer (or "Change my answers" once answered, where allowed), or
 * Results; both only when the person was sent one they also run, Results then in the overflow.
 */
export function surveyListCard(
  heading: string,
  items: { campaign: Campaign; detail: string; canAnswer: boolean; answered: boolean; canSeeResults: boolean }[],
  empty: string,
  page = 0,
): AdaptiveCardJson {
  const { shown, paging } = pageOf(items, page);
  return renderCard('survey-list', {
    heading: md(heading),
    empty: md(empty),
    count: items.length,
    items: shown.map((i) => ({
      campaignId: i.campaign.id,
      title: md(listedText(i.campaign.title)),
      detail: md(listedText(i.detail)),
      canAnswer: i.canAnswer,
      answerLabel: i.answered ? 'Change my answers' : 'Answer',
      canSeeResults: i.canSeeResults,
    })),
    paging,
  });
}
