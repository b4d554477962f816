import { formatDate } from '../../services/core/dates';
import { fixedAnswers, inputName, pagesOf } from '../../services/surveys/answers';
import type { Campaign } from '../../services/surveys/model';
import type { SurveyView } from '../../services/surveys/responses';
import type { MessageOf } from '../../services/delivery/messages';
import type { EmailHelpers } from '../../services/kernel/message-kinds';
import { featureCards, listedText, md, type AdaptiveCardJson, type PageInfo } from '../render';
import { pageOf } from '../views';
import questionnaireInvite from './templates/questionnaire-invite.json';
import questionnairePage from './templates/questionnaire-page.json';
import questionnaireSaved from './templates/questionnaire-saved.json';
import surveyList from './templates/survey-list.json';

/** What each of the questionnaire cards is expanded with. Text that came from people goes in TextRuns or through `md()`. */
export type SurveyCardData = {
  'questionnaire-invite': { heading: string; intro: string; closes: string; anonymous: boolean; campaignId: string };
  'questionnaire-page': {
    title: string;
    intro: string;
    progress: string;
    notice: string;
    campaignId: string;
    page: number;
    carried: string;
    answerKey: string;
    canGoBack: boolean;
    isLast: boolean;
    submitLabel: string;
    questions: {
      text: string;
      help: string;
      input: 'choice' | 'text' | 'date';
      inputId: string;
      multi: boolean;
      maxLength: number;
      value: string;
      error: string;
      choices: { title: string; value: string }[];
    }[];
  };
  'questionnaire-saved': { heading: string; title: string; closes: string; anonymous: boolean; campaignId: string; answerKey: string };
  /** Each item shows one button: Answer (or Change my answers) for a questionnaire sent to the person, else Results; when both apply, Results waits in the overflow menu. */
  'survey-list': {
    heading: string;
    empty: string;
    count: number;
    items: { campaignId: string; title: string; detail: string; canAnswer: boolean; answerLabel: string; canSeeResults: boolean }[];
    paging: PageInfo;
  };
};

const render = featureCards<SurveyCardData>({
  'questionnaire-invite': questionnaireInvite,
  'questionnaire-page': questionnairePage,
  'questionnaire-saved': questionnaireSaved,
  'survey-list': surveyList,
});

/** The card a respondent sees: one page of questions, or their answers saved. */
export function surveyCard(view: SurveyView): AdaptiveCardJson {
  if (view.kind === 'saved') {
    return render('questionnaire-saved', {
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
  const questions: SurveyCardData['questionnaire-page']['questions'] = page.map((q, i) => ({
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
  return render('questionnaire-page', {
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
  return render('survey-list', {
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

/** An invitation to answer a questionnaire, or (chaser 1, 2, …) a reminder of it. */
export function inviteCard(message: MessageOf<'questionnaire-invite'>): AdaptiveCardJson {
  return render('questionnaire-invite', {
    heading: md(message.chaser === 0 ? message.title : `Reminder: ${message.title}`),
    intro: message.chaser === 0 ? 'You are asked to answer a short questionnaire.' : 'We have not had your answers yet. It only takes a few minutes.',
    closes: formatDate(message.closesOn),
    anonymous: message.anonymous,
    campaignId: message.campaignId,
  });
}

/** The invitation by email: what to answer and by when, and how to answer in Teams. */
export function inviteEmail(message: MessageOf<'questionnaire-invite'>, h: EmailHelpers): { subject: string; body: string } {
  return {
    subject: message.chaser === 0 ? `Questionnaire: ${message.title}` : `Reminder: questionnaire "${message.title}"`,
    body:
      `<p>You are asked to answer "${h.html(message.title)}" by ${h.html(formatDate(message.closesOn))}.${message.anonymous ? ' Your answers are anonymous.' : ''}</p>` +
      h.reply('answer it: type "questionnaires" in the chat with the app'),
  };
}
