/** An invitation (chaser 0) or the n-th reminder to answer a questionnaire. */
export type QuestionnaireInvite = { campaignId: string; title: string; closesOn: string; anonymous: boolean; chaser: number };

// The outbox's union gains the invitation here (see OutboundMessageKinds); the surveys module renders it.
declare module '../delivery/messages' {
  interface OutboundMessageKinds {
    'questionnaire-invite': QuestionnaireInvite;
  }
}
