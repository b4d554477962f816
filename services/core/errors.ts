/**
 * The one error catalogue. Every failure a user or an operator can see has a code here; the
 * same code appears in logs, CLI output, card messages and HTTP bodies so people can quote it.
 */
export const ERRORS = {
  CONFIG_INVALID: { status: 500, message: 'The server configuration is invalid.' },
  STORE_UNAVAILABLE: { status: 503, message: 'The data store is not reachable right now. Please try again shortly.' },
  STORE_BUSY: { status: 503, message: 'The data store is busy right now. Please try again in a minute.' },
  ITEM_TOO_LARGE: { status: 413, message: 'A record is too large for the data store, which takes at most 2 MB per record.' },
  STORE_LOCKED: { status: 409, message: 'The embedded data folder is in use by another process.' },
  CONFLICT: { status: 409, message: 'Someone else changed this record at the same time. Reload and try again.' },
  ALREADY_EXISTS: { status: 409, message: 'A record with this id already exists.' },
  NOT_FOUND: { status: 404, message: 'That record does not exist.' },
  VALIDATION: { status: 400, message: 'Some of the information given is not valid.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do that.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign-in is required.' },
  LOCAL_ONLY: {
    status: 403,
    message: 'This server runs in local mode (no Bot Framework authentication) and answers only requests made on this computer, not through a tunnel or proxy.',
  },
  TENANT_TAKEN: { status: 409, message: 'That Entra tenant already belongs to another agency: a tenant maps to one agency only.' },
  OUTSIDE_AGENCY: { status: 403, message: 'That belongs to another agency of the partnership: you may only see and change your own agency’s records.' },
  TENANT_NOT_ALLOWED: { status: 403, message: 'This organisation is not allowed to use this app.' },
  RATE_LIMITED: { status: 429, message: 'You are sending requests faster than I can answer. Please slow down and try again in a minute.' },
  NOT_IN_DIRECTORY: {
    status: 403,
    message:
      'Your Microsoft 365 account is not linked to anyone in this organisation’s people directory, so nothing can be shown to you. Ask your administrator to link your account.',
  },
  IMPORT_FILE_INVALID: { status: 400, message: 'The file cannot be read as a plan.' },
  IMPORT_TOO_LARGE: { status: 413, message: 'The file or one of its cells is too large.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than this address accepts.' },
  BODY_ENCODING_UNSUPPORTED: { status: 415, message: 'Compressed request bodies are not accepted: send the body uncompressed (no Content-Encoding).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This address accepts only JSON (Content-Type: application/json).' },
  BROWSER_REQUEST: {
    status: 403,
    message:
      'Bot Framework activities come from a server, not a web page: a request that carries an Origin, or that a browser marks as sent from another site, is refused.',
  },
  STALE_CARD: { status: 409, message: 'This card is out of date: the record has changed since it was shown.' },
  SURVEY_CLOSED: { status: 409, message: 'This questionnaire has closed; answers are no longer taken.' },
  ALREADY_ANSWERED: {
    status: 409,
    message: 'You have answered this questionnaire already. To change your answers, use "Change my answers" on the card that shows them saved.',
  },
  NOT_YOUR_ANSWERS: {
    status: 403,
    message:
      'These are not your answers: only the person whose card this is can change them. Nothing was changed. To answer yourself, use your own invitation.',
  },
  SEAL_UNREADABLE: {
    status: 500,
    message: 'Answers waiting to be pooled cannot be read with this server’s SURVEY_SEAL_KEY. Restore the key they were sealed with.',
  },
  WITHIN_RETENTION: { status: 409, message: 'Records about this person are still within their retention period, so they cannot be erased yet.' },
  EMAIL_NOT_SET_UP: { status: 409, message: 'Email is not set up on this server (no MAIL_SENDER), so messages come in Teams only.' },
  UNKNOWN_VERB: { status: 400, message: 'That card action is not recognised.' },
  MALFORMED_CARD_ACTION: { status: 400, message: 'That card action arrived incomplete (no Action.Execute with a verb), so nothing was done.' },
  UNSUPPORTED_INVOKE: { status: 400, message: 'This bot answers only card actions (Action.Execute); that kind of request is not supported.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export type FieldIssue = { field: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Per-field problems, for forms that show a message next to each input. */
  readonly fields: FieldIssue[];

  constructor(code: ErrorCode, detail?: string, options?: { fields?: FieldIssue[]; cause?: unknown }) {
    super(detail ?? ERRORS[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.fields = options?.fields ?? [];
  }

  /** What a user may be shown: the message and the code, never a stack or a cause. */
  toPublic(): { code: ErrorCode; message: string; fields: FieldIssue[] } {
    return { code: this.code, message: this.message, fields: this.fields };
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}
