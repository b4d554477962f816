import type { Report } from '../../services/core/report';
// The views' shapes are the server's own: a change there fails the page's type check.
import type { ActionRow, EscalationsView, PlanView } from '../../services/dashboard/views';
import type { ReturnForm, ReturnFormField, ReturnFormStandard } from '../../services/section11/form';

export type { ActionRow, EscalationsView, PlanView, Report, ReturnForm, ReturnFormField, ReturnFormStandard };

/** The tab API, with whichever credential the page has: a Teams SSO token or a local sign-in (with this run's secret). */
export type Credential = { kind: 'sso'; token: () => Promise<string> } | { kind: 'local'; personId: string; secret: string };
/** Local mode before anyone is chosen: the secret alone, for the list of people to sign in as. */
export type LocalSecret = { kind: 'local-secret'; secret: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failed Teams sign-in (consent not given, app not registered) is not a network fault: say which it is. */
async function ssoToken(get: () => Promise<string>): Promise<string> {
  try {
    return await get();
  } catch (e) {
    throw new ApiError(0, 'SSO_FAILED', `Teams could not sign you in to the dashboard (${e instanceof Error ? e.message : String(e)}).`);
  }
}

export function getJson<T>(path: string, credential?: Credential | LocalSecret): Promise<T> {
  return request<T>(path, credential);
}

/** A change (the Section 11 form): JSON in, the server's answer out; refusals come back as ApiError like any read. */
export function postJson<T>(path: string, body: unknown, credential: Credential): Promise<T> {
  return request<T>(path, credential, body);
}

async function request<T>(path: string, credential?: Credential | LocalSecret, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credential?.kind === 'local' || credential?.kind === 'local-secret') headers['x-local-secret'] = credential.secret;
  if (credential?.kind === 'local') headers.authorization = `Local ${credential.personId}`;
  if (credential?.kind === 'sso') headers.authorization = `Bearer ${await ssoToken(credential.token)}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) };
  const res = await fetch(path, init).catch(() => {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached.');
  });
  const answer = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok) throw new ApiError(res.status, answer.error?.code ?? 'HTTP_' + res.status, answer.error?.message ?? `The server answered ${res.status}.`);
  return answer as T;
}

export type Rag = 'B' | 'G' | 'A' | 'R' | 'NR';
export type View = 'my-actions' | 'plan' | 'escalations' | 'training' | 'questionnaires' | 'reach' | 's11-return';
/** Who is signed in and what the server's access policy lets them see (the tab decides nothing by role itself). */
/** A feature module's report the viewer may see, shown by the generic report page. */
export type ReportEntry = { name: string; title: string; description: string };
export type Me = { id: string; name: string; roles: string[]; views: View[]; reports: ReportEntry[]; may: { namedOverdueList: boolean } };
export type ModuleReportView = { title: string; description: string; asAt: string; report: Report | Report[] };
export type RateRow = { group: string; required: number; withinValidity: number; within12Months: number; pctWithinValidity: number; pctWithin12Months: number };
/** The rates for the chart, and the same rates as the report every surface shows. */
export type TrainingView = { asAt: string; by: string; rows: RateRow[]; report: Report };
export type OverdueView = { asAt: string; report: Report };
export type CampaignsView = {
  campaigns: { id: string; title: string; status: string; audience: string; invited: number; closesOn: string; anonymous: boolean }[];
};
export type ResultsView = {
  title: string;
  anonymous: boolean;
  invited: number;
  responded: number;
  responseRate: number;
  /** Set when an anonymous campaign's figures are withheld (open, or under five answers): say why. */
  notice: string;
  highlights: { label: string; count: number; of: number; pct: number }[];
  questions: {
    id: string;
    text: string;
    type: string;
    answered: number;
    options: { value: string; label: string; count: number; pct: number }[];
    mean?: number;
    writtenCount: number;
  }[];
  breakdowns: { by: string; group: string; responses: number; suppressed: boolean; highlights: { label: string; pct: number }[] }[];
  comparison?: {
    immediate: { responses: number };
    followUp: { responses: number };
    rows: { questionId: string; text: string; answer: string; immediatePct: number; followUpPct: number }[];
    means: { text: string; immediate: number; followUp: number }[];
  };
  /** Every figure as a table: the report the card and the export show too. */
  report: Report;
};
export type ReachChannel = 'teams' | 'email' | 'unreachable';
export type ReachView = {
  asAt: string;
  emailEnabled: boolean;
  counts: Record<ReachChannel, number>;
  rows: { personId: string; name: string; channel: ReachChannel; why: string }[];
  /** Graph refuses to install the app for anyone (a permission not granted), since then. */
  problem?: { since: string; detail: string };
};
