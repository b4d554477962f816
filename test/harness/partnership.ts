import type { KeyObject } from 'node:crypto';
import { domainEvents } from '../../services/events/handlers';
import type { Table } from '../../services/core/tabular';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { signJwt } from './openid';
import type { TeamsUser } from './teams-activities';

/** Made-up Entra tenants of a partnership's agencies, in the form Teams sends them. */
export const COUNCIL_TENANT = 'c0c0c0c0-0000-4000-8000-000000000001';
export const POLICE_TENANT = 'b0b0b0b0-0000-4000-8000-000000000002';
export const HEALTH_TENANT = 'a0a0a0a0-0000-4000-8000-000000000003';

/** The tab's Entra app, the host it is served from, and the Teams web client that asks for its tokens. */
export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const HOST = 'tracker.example.gov.uk';
export const TEAMS_WEB_CLIENT = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';

/** An Entra object id, numbered so each test person's is easy to tell apart. */
export const oid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A member of an agency's staff as its HR file has them, with the Teams account they sign in with. */
export type Staff = { employee: string; name: string; email: string; department: string; jobTitle: string; oid: string; tenant: string };

/** The claims of a Teams SSO token for the tab (Entra ID v2), as Teams hands it to `s`; `over` changes claims (undefined leaves one out). */
export function tabSsoClaims(s: Pick<Staff, 'oid' | 'tenant'>, over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const tid = (over.tid as string | undefined) ?? s.tenant;
  // azp: the Teams desktop and web client, which Teams SSO tokens are issued to.
  return {
    iss: `https://login.microsoftonline.com/${tid}/v2.0`,
    aud: `api://${HOST}/${CLIENT_ID}`,
    tid,
    oid: s.oid,
    scp: 'access_as_user',
    azp: TEAMS_WEB_CLIENT,
    iat: now - 10,
    nbf: now - 10,
    exp: now + 3600,
    ...over,
  };
}

/** A Teams SSO token for the tab, as Teams hands it to `s`, signed with `key` (the test OpenID server's trusted key); `over` changes claims. */
export function tabSsoToken(key: KeyObject, s: Pick<Staff, 'oid' | 'tenant'>, over: Record<string, unknown> = {}): string {
  return signJwt(key, 'trusted', tabSsoClaims(s, over));
}

/** The settings under which the app takes the tab's SSO tokens for CLIENT_ID at HOST, checked against the keys of `openId` (the test OpenID server). */
export const tabSsoSettings = (openId: { metadataUrl: string }) => ({
  PUBLIC_HOSTNAME: HOST,
  TAB_SSO_CLIENT_ID: CLIENT_ID,
  TAB_SSO_JWKS_URL: openId.metadataUrl.replace(/\/v1\/.*$/, '/keys'),
});

export const teamsUser = (s: Staff): TeamsUser => ({ id: `29:${s.oid}`, aadObjectId: s.oid, name: s.name, tenantId: s.tenant });

/** An uploaded table as the importers read it (first data row is row 2, under the headers). */
export const table = (headers: string[], rows: string[][]): Table => ({
  headers,
  rows: rows.map((r, i) => ({ rowNumber: i + 2, cells: Object.fromEntries(headers.map((h, j) => [h, r[j] ?? ''])) })),
});

/** An agency's HR people file for these staff. */
export const peopleFile = (staff: Staff[]) =>
  table(
    ['Employee Number', 'Full Name', 'Work Email', 'Department', 'Job Title', 'Entra Object Id', 'Entra Tenant Id'],
    staff.map((s) => [s.employee, s.name, s.email, s.department, s.jobTitle, s.oid, s.tenant]),
  );

/** The app's event handlers, given to use cases that publish outside a turn: adding an agency, seeding the demo. */
export const appEvents = () => domainEvents(new WorkingCalendar());
