import { z } from 'zod';
import { AppError } from './errors';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const idList = z
  .string()
  .trim()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/**
 * Every setting the app reads, in one place. Names of the Bot Framework settings are the ones
 * botbuilder's ConfigurationBotFrameworkAuthentication expects, so one env works for both.
 */
const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: optionalText,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MicrosoftAppTenantId: optionalText,
    ALLOWED_TENANT_IDS: idList.default([]),
    /** The organisation's own Entra tenant: the only tenant whose UPNs may link someone to the directory. */
    HOME_TENANT_ID: optionalText.pipe(z.guid().optional()),
    /** Domains verified in the home tenant; a UPN links someone only when its domain is one of these. */
    VERIFIED_DOMAINS: idList
      .pipe(z.array(z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, 'domain names such as council.gov.uk, comma-separated')))
      .transform((ds) => ds.map((d) => d.toLowerCase()))
      .default([]),
    /**
     * Client ids allowed to request tab tokens (`azp`/`appid`): by default the Teams desktop/web
     * and mobile clients, the two Microsoft documents for Teams SSO.
     */
    TAB_SSO_CLIENT_APP_IDS: idList.pipe(z.array(z.guid())).default(['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346']),
    /** Typed commands and card actions one person may send per minute before the bot asks them to slow down. */
    COMMANDS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
    /** Where the Bot Framework's signing keys are published; only sovereign clouds need to change it. */
    BotOpenIdMetadata: optionalText.pipe(z.url().optional()),
    /** Where the bot gets its tokens for the Bot Connector (botbuilder's setting, e.g. https://login.microsoftonline.us/<tenant> in a sovereign cloud); unset: the public cloud. */
    ToChannelFromBotLoginUrl: optionalText.pipe(z.url({ protocol: /^https$/ }).optional()),
    /**
     * Host names, beyond the Bot Framework's and Teams' own, whose serviceUrl the bot answers (a
     * sovereign cloud's connector, e.g. smba.infra.gcc.teams.microsoft.com). Exact names; unset: the public and US government hosts only.
     */
    TRUSTED_SERVICE_URL_HOSTS: idList
      .pipe(z.array(z.string().regex(/^[a-z0-9.-]{1,253}$/i, 'host names such as smba.example.net, comma-separated, without scheme or port')))
      .transform((hs) => hs.map((h) => h.toLowerCase()))
      .default([]),

    /** Public host name the bot and tab are served from (no scheme); fills the app manifest and the SSO audience. */
    PUBLIC_HOSTNAME: optionalText.pipe(
      z
        .string()
        .regex(/^[a-z0-9.-]+(:[0-9]+)?$/i, 'a host name such as tracker.example.gov.uk')
        .optional(),
    ),
    /** The Teams app's own id in the manifest (a GUID, distinct from the bot's app id). */
    TEAMS_APP_ID: optionalText.pipe(z.guid().optional()),
    /** Entra app registration the tab's SSO tokens are issued for (often the bot's own app id). */
    TAB_SSO_CLIENT_ID: optionalText.pipe(z.guid().optional()),
    /** Where Entra ID publishes its signing keys for SSO tokens; only sovereign clouds and tests change it. */
    TAB_SSO_JWKS_URL: optionalText.pipe(z.url().optional()),

    COSMOS_ENDPOINT: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    COSMOS_KEY: optionalText,
    /** The user-assigned managed identity keyless Cosmos DB access signs in as (unset: the credential's default, or the bot's own identity with UserAssignedMSI). */
    AZURE_CLIENT_ID: optionalText.pipe(z.guid().optional()),
    COSMOS_DATABASE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,255}$/, 'letters, digits, _ and - only')
      .default('safeguarding'),

    DATA_DIR: z.string().trim().min(1).default('./data'),
    EMBEDDED_COSMOS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    /** `azure`: the embedded store limits, bills, throttles and expires items as Azure Cosmos DB does (services/store/azure-profile.ts). */
    EMBEDDED_PROFILE: z.enum(['plain', 'azure']).default('plain'),
    /** Azure profile: each container's budget in RU per second (10,000 is one physical partition's). */
    EMBEDDED_RU_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000_000).default(10_000),
    /** Azure profile: the round trip added to every store request, in milliseconds (with jitter). */
    EMBEDDED_LATENCY_MS: z.coerce.number().min(0).max(10_000).default(0),
    SNAPSHOT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(15),

    DEFAULT_ORG_ID: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{1,64}$/, 'lower-case letters, digits and - only')
      .default('demo'),
    DEFAULT_TIME_ZONE: z.string().trim().default('Europe/London'),
    SEED_DEMO_DATA: bool.default(true),
    /** Local mode only: who a Teams user not in the directory acts as (a directory name or email), to try the bot. */
    LOCAL_ACT_AS: optionalText,

    /**
     * 32 random bytes, base64: seals anonymous answers while they wait to be pooled, so the store
     * alone never ties an answer to the person marked as responding. Kept apart from the database.
     */
    SURVEY_SEAL_KEY: optionalText.pipe(
      z
        .string()
        .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, '32 random bytes, base64 (openssl rand -base64 32)')
        .optional(),
    ),

    /** Microsoft Graph, for installing the app for people the bot cannot yet message. Tests point this and the authority host at a fake. */
    GRAPH_BASE_URL: z
      .string()
      .trim()
      .pipe(z.url({ protocol: /^https$/ }))
      .default('https://graph.microsoft.com/v1.0'),
    /** Where @azure/identity gets Graph tokens for the bot's app registration; only sovereign clouds and tests change it. */
    GRAPH_AUTHORITY_HOST: z
      .string()
      .trim()
      .pipe(z.url({ protocol: /^https$/ }))
      .default('https://login.microsoftonline.com'),
    /** The app's id in the organisation's Teams app catalog (Teams admin centre), used to install it for people. */
    TEAMS_CATALOG_APP_ID: optionalText.pipe(z.guid().optional()),
    /** Shared mailbox that emails people Teams cannot reach; unset, they are only listed as unreachable. */
    MAIL_SENDER: optionalText.pipe(z.email().optional()),
    /** Emails per minute from that mailbox (Exchange Online allows 30). */
    MAIL_PER_MINUTE: z.coerce.number().int().min(1).max(30).default(30),
    /** Bot Connector address for chats the app opened by installing itself, until Teams sends the real one. */
    TEAMS_SERVICE_URL: z
      .string()
      .trim()
      .pipe(z.url({ protocol: /^https?$/ }))
      .default('https://smba.trafficmanager.net/teams/'),
    /** Group member reads per second for the daily roles run (Graph throttles per app and tenant). */
    GRAPH_READS_PER_SECOND: z.coerce.number().min(0.1).max(20).default(4),
    /**
     * Entra object ids of the people who are partnership administrators whenever the directory
     * holds them (at start-up, after an import, at their first sign-in): the first administrator of
     * a new deployment, without database access.
     */
    BOOTSTRAP_ADMIN_OBJECT_IDS: idList
      .pipe(z.array(z.guid('each must be an Entra object id (a GUID)')))
      .transform((ids) => ids.map((id) => id.toLowerCase()))
      .default([]),
    /** App installs per second (Graph throttles per app and tenant). */
    GRAPH_INSTALLS_PER_SECOND: z.coerce.number().min(0.1).max(20).default(4),
    /** Days before trying again to install the app for someone it was blocked for. */
    GRAPH_INSTALL_RETRY_DAYS: z.coerce.number().int().min(1).max(365).default(7),

    /**
     * Retention (services/retention/schedule.ts; docs/OPERATIONS.md says why each default). Outbox
     * message bodies go this many days after sending; the delivery record without its content later.
     */
    RETAIN_MESSAGE_BODY_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    RETAIN_DELIVERY_RECORD_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    /** Teams users who tried the app but are linked to no one: their attempt is forgotten this long after the last one. */
    RETAIN_UNLINKED_SIGN_IN_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    RETAIN_CLOSED_ESCALATION_YEARS: z.coerce.number().int().min(1).max(100).default(6),
    RETAIN_LEAVER_TRAINING_YEARS: z.coerce.number().int().min(1).max(100).default(6),
    /** "Has responded" markers and the audience list of a questionnaire, after it closes. */
    RETAIN_CAMPAIGN_YEARS: z.coerce.number().int().min(1).max(100).default(2),
    /** The record of who saw or changed what (the audit container). */
    AUDIT_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(6),

    /**
     * Application Insights to send telemetry to (requests, jobs, store and Graph calls; no personal
     * data: services/core/telemetry.ts). Unset: no telemetry is loaded or sent.
     */
    APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText.pipe(
      z
        .string()
        .regex(/(^|;)\s*InstrumentationKey=[^;]+/i, 'an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…)')
        .optional(),
    ),

    SCHEDULER_ENABLED: bool.default(true),
    DELIVERY_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
    DELIVERY_MAX_PER_SECOND: z.coerce.number().min(1).max(50).default(50),
    DELIVERY_CONVERSATION_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
    DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  })
  .superRefine((c, ctx) => {
    if (c.MicrosoftAppId && !c.MicrosoftAppPassword && c.MicrosoftAppType !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required when MicrosoftAppId is set' });
    }
    if (c.MicrosoftAppType === 'SingleTenant' && c.MicrosoftAppId && !c.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'is required for a SingleTenant bot' });
    }
    if (c.MicrosoftAppId && c.ALLOWED_TENANT_IDS.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['ALLOWED_TENANT_IDS'], message: 'must list the tenants allowed to use the bot in production' });
    }
    if (c.VERIFIED_DOMAINS.length > 0 && !c.HOME_TENANT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOME_TENANT_ID'],
        message: 'is required with VERIFIED_DOMAINS: a UPN is only trusted from the organisation’s own tenant',
      });
    }
    for (const key of ['TEAMS_CATALOG_APP_ID', 'MAIL_SENDER'] as const) {
      // Graph calls use the bot's own identity in the home tenant: its secret, or its managed identity.
      const identity = c.MicrosoftAppId && c.MicrosoftAppTenantId && (c.MicrosoftAppPassword || c.MicrosoftAppType === 'UserAssignedMSI');
      if (c[key] && !identity) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'needs MicrosoftAppId, MicrosoftAppTenantId and MicrosoftAppPassword or MicrosoftAppType=UserAssignedMSI (the bot’s identity calls Graph)',
        });
      }
    }
    if (!Intl.supportedValuesOf('timeZone').includes(c.DEFAULT_TIME_ZONE) && c.DEFAULT_TIME_ZONE !== 'UTC') {
      ctx.addIssue({ code: 'custom', path: ['DEFAULT_TIME_ZONE'], message: 'must be an IANA time zone such as Europe/London' });
    }
  });

/**
 * What every deployment sets. Local mode runs without them, so the schema leaves most optional;
 * infra/azure.bicep sets each one (a test checks it), and docs/DEPLOY.md says where each comes from.
 */
export const DEPLOYMENT_SETTINGS = [
  'MicrosoftAppId',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'ALLOWED_TENANT_IDS',
  'HOME_TENANT_ID',
  'PUBLIC_HOSTNAME',
  'TEAMS_APP_ID',
  'TAB_SSO_CLIENT_ID',
  'COSMOS_ENDPOINT',
  'COSMOS_DATABASE',
  'DEFAULT_ORG_ID',
  'DEFAULT_TIME_ZONE',
  // Production never seeds the demo; the embedded store is the only one it would seed, but say so.
  'SEED_DEMO_DATA',
  'DATA_DIR',
  'SURVEY_SEAL_KEY',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
] as const satisfies readonly (keyof z.infer<typeof schema>)[];

/** Every setting the app reads: anything else in a deployment's settings is a typo or belongs to the platform. */
export const SETTING_NAMES = Object.keys(schema.shape) as (keyof z.infer<typeof schema>)[];

export type Config = z.infer<typeof schema> & {
  /** No MicrosoftAppId: the bot accepts unauthenticated traffic, so it must stay on loopback. */
  localMode: boolean;
  host: string;
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // Name the variable and the rule, never the value: some of these are secrets.
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new AppError('CONFIG_INVALID', `Invalid configuration: ${lines.join('; ')}`);
  }
  const c = parsed.data;
  const localMode = !c.MicrosoftAppId;
  if (!localMode && c.LOCAL_ACT_AS) {
    throw new AppError('CONFIG_INVALID', 'Invalid configuration: LOCAL_ACT_AS: is only allowed in local mode (without MicrosoftAppId)');
  }
  const host = c.HOST ?? (localMode ? '127.0.0.1' : '0.0.0.0');
  if (localMode && !LOOPBACK.has(host)) {
    throw new AppError(
      'CONFIG_INVALID',
      `Invalid configuration: HOST: without MicrosoftAppId the bot runs unauthenticated and may only listen on loopback (127.0.0.1), not ${host}`,
    );
  }
  return { ...c, localMode, host };
}
