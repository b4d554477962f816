import { impactCheckCard, impactCheckEmail } from '../../../cards/reviews/cards';
import { cardText } from '../../harness/teams-activities';

const view = {
  checkId: 'impact-r-R1',
  version: 3,
  heading: 'Impact check: R1 of “[Click](https://evil.example)”',
  intro: 'What difference has it made?',
  facts: [{ title: 'Intended outcome', value: '**Practitioners** act on <b>risk</b>' }],
  figures: ['Quite or very confident: 80% (8 of 10)'],
  chaser: 0,
};

describe('the impact check card and email', () => {
  it('shows the form with the card’s version, and text from files literally', () => {
    const card = impactCheckCard(view);
    const json = JSON.stringify(card);
    expect(json).toContain('"verb":"reviews.impact.answer"');
    expect(json).toContain('"verb":"reviews.impact.postpone"');
    expect(json).toContain('"checkId":"impact-r-R1","version":"3"');
    // Markdown from a review file cannot make a link or emphasis on the card.
    expect(cardText(card)).toContain('\\[Click\\](https://evil.example)');
    expect(cardText(card)).toContain('\\*\\*Practitioners\\*\\*');
    expect(cardText(card)).toContain('Quite or very confident: 80% (8 of 10)');
  });

  it('once answered shows the answer and offers nothing to press', () => {
    const card = impactCheckCard(view, {
      answered: {
        by: 'Carol Lead',
        at: '2 Nov 2027',
        measure: 'Met',
        outcome: 'Green: on course',
        changed: 'All teams trained',
        evidence: ['https://intranet.example/a'],
      },
    });
    expect(cardText(card)).toMatch(/Answered 2 Nov 2027 by Carol Lead\. Measure: Met/);
    expect(JSON.stringify(card)).not.toContain('"verb"');
  });

  it('keeps the answers and puts each problem beside its field', () => {
    const card = impactCheckCard(view, {
      notice: 'Some answers need attention.',
      values: { changed: 'Half the teams' },
      issues: [{ field: 'measure', message: 'Say whether the measure was met.' }],
    });
    expect(cardText(card)).toMatch(/Some answers need attention[\s\S]*Half the teams[\s\S]*⚠ Say whether the measure was met/);
  });

  it('by email, escapes everything it writes', () => {
    const html = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const email = impactCheckEmail(view, { html, reply: (how) => `<p>Open Teams to ${how}.</p>` });
    expect(email.body).toContain('&lt;b&gt;risk&lt;/b&gt;');
    expect(email.body).not.toContain('<b>risk</b>');
    expect(email.body).toContain('Open Teams to answer the impact check');
  });
});
