import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type restify from 'restify';
import type { Clock } from '../../services/core/clock';
import type { Config } from '../../services/core/config';
import { correlationId } from '../../services/core/correlation';
import { AppError, isAppError } from '../../services/core/errors';
import type { Logger } from '../../services/core/logger';
import {
  escalationsView,
  myActionsView,
  planView,
  questionnaireResultsView,
  questionnairesView,
  trainingOverdueView,
  trainingView,
  type DashboardDeps,
} from '../../services/dashboard/dashboard';
import { scopeFor, tabPermissionsFor, tabViewsFor } from '../../services/access/policy';
import { recordAudit } from '../../services/audit/audit-log';
import type { AuditRecordRef } from '../../services/audit/model';
import { Directory } from '../../services/people/repository';
import { reachView } from '../../services/dashboard/reach-view';
import type { Person } from '../../services/people/model';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Organisation } from '../../services/organisation/model';
import { today } from '../../services/core/dates';
import { personForSignIn, requireActivePerson } from '../../services/people/sign-in';
import type { SignInRoles } from '../../services/reach/group-roles';
import type { WorkingCalendar } from '../../services/scheduling/calendar';
import type { Store } from '../../services/store/ports';
import { createTabAuthenticator, isLoopback, requireLocalSignIn, type TabCredentials } from './auth';
import { LOCAL_SECRET_HEADER } from '../../services/core/local-secret';
import { tabPublicDir } from './build-tab';
import { visibleData } from '../../services/core/text';
import { moduleReports } from '../../services/kernel/registry';
import { runReport } from '../../services/kernel/reports';
import { answerFromForm, openReturnForm, saveFromForm, submitFromForm } from '../../services/section11';
import { BODY_LIMITS } from '../../bot/server';

export type TabDeps = {
  config: Config;
  store: Store;
  clock: Clock;
  calendar: WorkingCalendar;
  logger: Logger;
  /** Local mode: this run's secret, without which the local sign-in answers 401. */
  localSecret?: string | undefined;
  signInRoles: SignInRoles;
};

/** Teams shows the tab in a frame from these hosts; nothing else may frame it. */
const FRAME_ANCESTORS =
  "'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.teams.microsoft.us https://*.office.com https://*.cloud.microsoft https://*.microsoft365.com";
const PAGE_HEADERS = {
  // Fluent UI writes its styles at run time, hence inline styles; scripts only from here.
  'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' https://res.cdn.office.net; frame-ancestors ${FRAME_ANCESTORS}`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const STATIC_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

type Handler = (viewer: Person, deps: DashboardDeps & { calendar: WorkingCalendar }, req: restify.Request) => Promise<unknown>;
type WriteHandler = (viewer: Person, deps: DashboardDeps & { calendar: WorkingCalendar }, body: unknown) => Promise<unknown>;

/**
 * A form's JSON body, read here with a cap on the bytes actually read (a chunked body declares no
 * length), so the answer is the error catalogue's, never restify's own. Only JSON is taken.
 */
async function jsonBody(req: restify.Request, limit: number): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AppError('BODY_TOO_LARGE', `The body is over ${limit} bytes, the most ${req.getPath()} accepts.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppError('VALIDATION', 'The body is not JSON.');
  }
}
/** For a view that names people: what the viewer saw, for the audit (undefined: nothing personal this time). */
type Audited = (answer: never, req: restify.Request) => AuditRecordRef | undefined;

/** The tab's page and its JSON API on the bot's server: /tab/… and /api/tab/…. */
export function registerTabRoutes(server: restify.Server, deps: TabDeps): void {
  const { config, store, clock, calendar, logger } = deps;
  const authenticate = createTabAuthenticator(config, store, deps.localSecret);
  const credentialsOf = (req: restify.Request): TabCredentials => ({
    authorization: req.header('authorization'),
    localSecret: req.header(LOCAL_SECRET_HEADER),
    remoteAddress: req.socket.remoteAddress,
  });
  const orgId = config.DEFAULT_ORG_ID;
  const directory = new Directory(store);

  const fail = (res: restify.Response, e: unknown) => {
    if (isAppError(e)) {
      res.send(e.status, { error: e.toPublic() });
      return;
    }
    logger.error({ err: e }, 'tab request failed');
    // The reference finds this request's log lines; the page shows it for the user to quote.
    res.send(500, { error: { code: 'INTERNAL', message: 'Internal error', fields: [], reference: correlationId() } });
  };

  /**
   * The signed-in person, and the organisation read once for the request: it is the partnership the
   * sign-in rule checks too, so one point read serves both.
   */
  async function signedIn(req: restify.Request): Promise<{ viewer: Person; organisation: Organisation }> {
    const identity = await authenticate(credentialsOf(req));
    const organisationNow = () => ensureOrganisation(store, clock, orgId, { timeZone: config.DEFAULT_TIME_ZONE });
    if (identity.kind === 'local') {
      const viewer = requireActivePerson(await directory.get(orgId, identity.personId), 'Nobody in the directory has that id.');
      return { viewer, organisation: await organisationNow() };
    }
    const organisation = await organisationNow();
    // The tab does not link accounts (its one form changes a Section 11 return, never a link); the bot does that when someone first opens a chat with it.
    // Signing in brings their roles up to date: the bootstrap setting and their Entra groups.
    return { viewer: await deps.signInRoles.refresh(await personForSignIn({ store, organisation }, orgId, identity)), organisation };
  }

  const api = (route: string, handler: Handler, audited?: Audited) =>
    server.get(route, async (req: restify.Request, res: restify.Response) => {
      res.header('cache-control', 'no-store');
      try {
        const { viewer, organisation } = await signedIn(req);
        // Names and notes come from people and files: React escapes markup, not a bidi override (see visibleText).
        const answer = await handler(viewer, { store, clock, calendar, organisation }, req);
        res.send(200, visibleData(answer));
        const record = audited?.(answer as never, req);
        if (record) {
          const agency = scopeFor(viewer, organisation).agency;
          recordAudit({ store, clock }, { orgId, who: viewer.id, surface: 'tab', action: 'view', record, ...(agency ? { agency } : {}) });
        }
      } catch (e) {
        fail(res, e);
      }
    });

  /**
   * A change made from the tab: the same sign-in as every view, the body read and capped, then the
   * feature's use case, which checks the body with zod and the viewer against the stored record.
   */
  const write = (route: string, handler: WriteHandler) =>
    server.post(route, async (req: restify.Request, res: restify.Response) => {
      res.header('cache-control', 'no-store');
      try {
        const { viewer, organisation } = await signedIn(req);
        const body = await jsonBody(req, BODY_LIMITS.tabForms);
        res.send(200, visibleData(await handler(viewer, { store, clock, calendar, organisation }, body)));
      } catch (e) {
        if (res.headersSent) return;
        // A body left unread goes nowhere: close the connection rather than read it.
        if (isAppError(e, 'BODY_TOO_LARGE') || isAppError(e, 'UNSUPPORTED_MEDIA_TYPE')) res.setHeader('Connection', 'close');
        fail(res, e);
      }
    });

  /** Query parameters as strings only; a repeated or nested one is someone's mistake. */
  const queryOf = (req: restify.Request): Record<string, string> => {
    const url = new URL(req.url ?? '/', 'http://tab');
    const out: Record<string, string> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      if (values.length > 1) throw new AppError('VALIDATION', `"${key.slice(0, 40)}" is given more than once.`);
      if (values[0] !== '') out[key] = values[0]!;
    }
    return out;
  };

  server.get('/api/tab/mode', async (_req: restify.Request, res: restify.Response) => {
    res.send(200, { localMode: config.localMode, ssoConfigured: !!config.TAB_SSO_CLIENT_ID });
  });
  server.get('/api/tab/local/people', async (req: restify.Request, res: restify.Response) => {
    try {
      if (!config.localMode || !isLoopback(req.socket.remoteAddress))
        throw new AppError('FORBIDDEN', 'Local sign-in is only available in local mode, on this computer.');
      // The list names everyone with their roles: only for the browser `npm start` handed the secret to.
      requireLocalSignIn(config, deps.localSecret, credentialsOf(req));
      const people = (await directory.all({ orgId })).filter((p) => p.active).sort((a, b) => a.name.localeCompare(b.name));
      res.send(200, { people: people.map((p) => ({ id: p.id, name: p.name, roles: p.roles })) });
    } catch (e) {
      fail(res, e);
    }
  });
  api('/api/tab/me', async (viewer, d) => ({
    id: viewer.id,
    name: viewer.name,
    roles: viewer.roles,
    views: tabViewsFor(viewer),
    // Every feature module's report the viewer may see: the page shows each with its generic report view.
    reports: moduleReports()
      .filter((r) => r.allowed(viewer, d.organisation))
      .map((r) => ({ name: r.name, title: r.title, description: r.description })),
    may: tabPermissionsFor(viewer),
  }));
  api(
    '/api/tab/reports/:name',
    async (viewer, d, req) => {
      const { definition, params, report } = await runReport(d, viewer, String(req.params?.name ?? ''), queryOf(req));
      return {
        title: definition.title,
        description: definition.description,
        asAt: d.clock.now().toISOString(),
        report,
        audit: definition.audited?.(params) ?? null,
      };
    },
    (answer: { audit: AuditRecordRef | null }) => answer.audit ?? undefined,
  );
  api('/api/tab/my-actions', (viewer, d) => myActionsView(d, viewer));
  api('/api/tab/plan', (viewer, d, req) => planView(d, viewer, queryOf(req)));
  api('/api/tab/escalations', (viewer, d) => escalationsView(d, viewer));
  api('/api/tab/training', (viewer, d, req) => trainingView(d, viewer, queryOf(req)));
  api(
    '/api/tab/training/overdue',
    (viewer, d) => trainingOverdueView(d, viewer),
    (answer: { asAt: string }) => ({ kind: 'training-overdue-list', id: answer.asAt }),
  );
  api('/api/tab/questionnaires', (viewer, d) => questionnairesView(d, viewer));
  // The partnership report's address before reports were declared by modules: the same declaration, its old shape.
  api('/api/tab/partnership', async (viewer, d) => {
    const asAt = today(d.clock, d.organisation.timeZone);
    return { asAt, sections: (await runReport(d, viewer, 'partnership', { at: asAt })).report };
  });
  api(
    '/api/tab/questionnaires/:id',
    (viewer, d, req) => questionnaireResultsView(d, viewer, String(req.params?.id ?? '')),
    (answer: { anonymous: boolean }, req) => (answer.anonymous ? undefined : { kind: 'questionnaire-results', id: String(req.params?.id ?? '') }),
  );
  api(
    '/api/tab/reach',
    (viewer, d) => reachView(d, viewer, { emailEnabled: !!config.MAIL_SENDER }),
    () => ({ kind: 'reach-list', id: orgId }),
  );

  // Section 11: the agency's return as a form, through the module's own use cases and access rules.
  api('/api/tab/s11/return', (viewer, d, req) => openReturnForm(d, { actor: viewer, query: queryOf(req) }));
  write('/api/tab/s11/return/save', (viewer, d, body) => saveFromForm(d, { actor: viewer, timeZone: d.organisation.timeZone, body }));
  write('/api/tab/s11/return/submit', (viewer, d, body) => submitFromForm(d, { actor: viewer, body }));
  write('/api/tab/s11/return/answer', (viewer, d, body) => answerFromForm(d, { actor: viewer, timeZone: d.organisation.timeZone, body }));

  const serve = (file: string) => async (_req: restify.Request, res: restify.Response) => {
    try {
      const body = await readFile(path.join(tabPublicDir(), file));
      res.writeHead(200, {
        'content-type': STATIC_TYPES[path.extname(file)]!,
        'cache-control': file === 'index.html' ? 'no-cache' : 'public, max-age=300',
        ...PAGE_HEADERS,
      });
      res.end(body);
    } catch {
      fail(res, new AppError('NOT_FOUND', 'The dashboard has not been built on this server: run npm run build.'));
    }
  };
  const toPage = async (_req: restify.Request, res: restify.Response) => {
    res.writeHead(302, { location: '/tab/index.html' });
    res.end();
  };
  server.get('/tab', toPage);
  server.get('/tab/', toPage);
  server.get('/tab/index.html', serve('index.html'));
  server.get('/tab/app.js', serve('app.js'));
}
