import { renderMessage } from '../../cards/messages';
import { digestCard, myActionsCard } from '../../cards/actions/cards';
import { escalationListCard } from '../../cards/escalations/cards';
import { trainingVerifyCard } from '../../cards/training/cards';
import { cardSizeUtf16, MAX_CARD_UTF16_BYTES, renderCard, type AdaptiveCardJson } from '../../cards/render';
import { reportCard } from '../../cards/report-card';
import { surveyListCard } from '../../cards/surveys/views';
import { LIST_PAGE_SIZE } from '../../cards/views';
import type { OutboundMessage } from '../../services/delivery/messages';
import { action, CAMPAIGN, TODAY } from './examples';

/**
 * Teams counts a message in UTF-16 and refuses one over about 100 KB (80 KB recommended); the
 * recipient then gets nothing. Each list card is built here at its worst: every text as long as
 * anything upstream lets it be, in a script that costs the most, on its first and last page.
 */

/** Longer than any cell an import, a form or Teams accepts (plan cells stop at 10,000). */
const LONGEST = 'ŵ'.repeat(10_000);
/** More items than anyone has: every page of the list is full. */
const MANY = 1_000;
const LAST_PAGE = Math.ceil(MANY / LIST_PAGE_SIZE) - 1;

const withinBudget = (card: AdaptiveCardJson) => expect(cardSizeUtf16(card)).toBeLessThanOrEqual(MAX_CARD_UTF16_BYTES);

it('renderCard refuses a card over the budget, so no card can reach Teams too large to deliver', () => {
  expect(() => renderCard('notice', { title: 'Too long', text: 'x'.repeat(MAX_CARD_UTF16_BYTES / 2), code: '' })).toThrow(
    /notice is \d+ KB in UTF-16, over Teams' 80 KB/,
  );
  // UTF-16, not UTF-8: 30,000 ŵ are 60 KB in UTF-8 but 60,000 bytes in UTF-16, within; 45,000 are over.
  expect(() => renderCard('notice', { title: 't', text: 'ŵ'.repeat(30_000), code: '' })).not.toThrow();
  expect(() => renderCard('notice', { title: 't', text: 'a'.repeat(45_000), code: '' })).toThrow(/over Teams' 80 KB/);
});

describe('every list card, at its worst, stays within Teams’ budget on every page', () => {
  const digest: Extract<OutboundMessage, { kind: 'reminder-digest' }> = {
    kind: 'reminder-digest',
    heading: LONGEST,
    intro: LONGEST,
    snoozeChoices: [1, 3, 7, 14, 28],
    outboxId: 'reminders-2026-11-23-p1',
    lines: Array.from({ length: MANY }, (_, i) => ({
      actionId: `action-plan-${i}`,
      ref: `LP${i}.${i}`,
      description: LONGEST,
      why: LONGEST,
      status: 'R',
      leadName: LONGEST,
    })),
  };

  it('the reminder digest', () => {
    withinBudget(renderMessage(digest));
    withinBudget(digestCard(digest, LAST_PAGE));
  });

  it('my actions', () => {
    const actions = Array.from({ length: MANY }, (_, i) =>
      action({ id: `a${i}`, ref: `LP${i}.${i}`, description: LONGEST, evidence: LONGEST, leads: [{ name: LONGEST }] }),
    );
    withinBudget(myActionsCard(actions, TODAY));
    withinBudget(myActionsCard(actions, TODAY, LAST_PAGE));
  });

  it('the escalation list', () => {
    const items = Array.from({ length: MANY }, (_, i) => ({ id: `esc-${i}`, ref: `ESC-2026-${i}`, title: LONGEST, detail: LONGEST }));
    withinBudget(escalationListCard(LONGEST, items));
    withinBudget(escalationListCard(LONGEST, items, LAST_PAGE));
  });

  it('the questionnaire list', () => {
    const items = Array.from({ length: MANY }, (_, i) => ({
      campaign: { ...CAMPAIGN, id: `campaign-${i}`, title: LONGEST },
      detail: LONGEST,
      canAnswer: true,
      answered: i % 2 === 0,
      canSeeResults: true,
    }));
    withinBudget(surveyListCard(LONGEST, items, LONGEST));
    withinBudget(surveyListCard(LONGEST, items, LONGEST, LAST_PAGE));
  });

  it('training to verify', () => {
    const items = Array.from({ length: MANY }, (_, i) => ({ id: `r${i}`, title: LONGEST, detail: LONGEST }));
    withinBudget(trainingVerifyCard(items));
    withinBudget(trainingVerifyCard(items, LAST_PAGE));
  });

  it('the round summary', () => {
    const names = Array.from({ length: MANY }, (_, i) => `${i} ${LONGEST}`);
    withinBudget(
      renderMessage({
        kind: 'round-summary',
        roundId: 'r',
        heading: LONGEST,
        dueBy: '2026-12-04',
        responded: names,
        outstanding: names,
        seen: names,
        unreachable: names,
        asAt: '2026-11-23T09:00:00Z',
      }),
    );
  });

  it('a report card: a table, label–value lines, and several sections', () => {
    const row = (n: number) => Array.from({ length: n }, () => LONGEST);
    withinBudget(reportCard({ title: LONGEST, headers: ['A', 'B'], rows: Array.from({ length: MANY }, () => row(2)), notes: [LONGEST, LONGEST] }, LONGEST));
    withinBudget(
      reportCard({
        title: LONGEST,
        headers: ['Name', 'Department', 'Job title', 'Course', 'Last completed', 'Expired on', 'Booked'],
        rows: Array.from({ length: MANY }, () => row(7)),
      }),
    );
    withinBudget(
      reportCard(
        Array.from({ length: 12 }, (_, i) => ({
          title: `${i} ${LONGEST}`,
          headers: ['Agency', 'Blue', 'Green', 'Amber', 'Red'],
          rows: Array.from({ length: 50 }, () => row(5)),
          notes: [LONGEST],
        })),
      ),
    );
  });
});
