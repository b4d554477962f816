import { loadConfig } from '../../../services/core/config';

const errorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    return e as Error & { code: string };
  }
  throw new Error('expected the configuration to be refused');
};

describe('configuration', () => {
  it('an empty environment is a working local setup on the embedded store', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3978, host: '127.0.0.1', localMode: true, DATA_DIR: './data', DEFAULT_TIME_ZONE: 'Europe/London' });
    expect(config.COSMOS_ENDPOINT).toBeUndefined();
  });

  it('a bad value stops start-up with one message naming the variable and the rule', () => {
    const e = errorOf({ PORT: 'eighty', COSMOS_ENDPOINT: 'not a url' });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^Invalid configuration: PORT: .*; COSMOS_ENDPOINT: .*$/);
  });

  it('never prints a secret’s value', () => {
    const e = errorOf({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'super-secret-value', MicrosoftAppType: 'SingleTenant' });
    expect(e.message).toMatch(/MicrosoftAppTenantId/);
    expect(e.message).not.toContain('super-secret-value');
  });

  it('production (an app id) needs a password and an allow-list of tenants', () => {
    expect(errorOf({ MicrosoftAppId: 'app' }).message).toMatch(/MicrosoftAppPassword: is required.*ALLOWED_TENANT_IDS: must list/);
    expect(loadConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', ALLOWED_TENANT_IDS: 't1, t2' })).toMatchObject({
      localMode: false,
      host: '0.0.0.0',
      ALLOWED_TENANT_IDS: ['t1', 't2'],
    });
  });

  it('installing the app and sending email through Graph need the bot’s identity in its home tenant', () => {
    const catalog = { TEAMS_CATALOG_APP_ID: '44444444-4444-4444-8444-444444444444', MAIL_SENDER: 'tracker@council.example' };
    expect(errorOf(catalog).message).toMatch(/TEAMS_CATALOG_APP_ID: needs MicrosoftAppId.*MAIL_SENDER: needs MicrosoftAppId/);
    expect(errorOf({ MAIL_SENDER: 'not an address' }).message).toMatch(/MAIL_SENDER/);
    const production = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppTenantId: 't1', ALLOWED_TENANT_IDS: 't1' };
    expect(loadConfig({ ...production, ...catalog })).toMatchObject({
      ...catalog,
      GRAPH_BASE_URL: 'https://graph.microsoft.com/v1.0',
      GRAPH_AUTHORITY_HOST: 'https://login.microsoftonline.com',
    });
    // MSAL refuses an authority that is not https, and Graph tokens must never travel in clear.
    expect(errorOf({ GRAPH_AUTHORITY_HOST: 'http://login.example' }).message).toMatch(/GRAPH_AUTHORITY_HOST/);
  });

  it('local mode (no app id, so no authentication) refuses to listen beyond loopback', () => {
    expect(errorOf({ HOST: '0.0.0.0' }).message).toMatch(/HOST: without MicrosoftAppId the bot runs unauthenticated and may only listen on loopback/);
  });

  it('a time zone must be a real IANA zone', () => {
    expect(errorOf({ DEFAULT_TIME_ZONE: 'Europe/Oxford' }).message).toMatch(/DEFAULT_TIME_ZONE: must be an IANA time zone/);
  });
});

describe('identity settings', () => {
  it('verified domains need the home tenant they are verified in, and are kept lower-case', () => {
    expect(() => loadConfig({ VERIFIED_DOMAINS: 'council.example' })).toThrow(/HOME_TENANT_ID: is required with VERIFIED_DOMAINS/);
    expect(() => loadConfig({ HOME_TENANT_ID: '5f0c3b2e-6a1d-4c8e-9b7a-2d4e6f8a0c1e', VERIFIED_DOMAINS: 'not a domain' })).toThrow(/VERIFIED_DOMAINS/);
    expect(
      loadConfig({ HOME_TENANT_ID: '5f0c3b2e-6a1d-4c8e-9b7a-2d4e6f8a0c1e', VERIFIED_DOMAINS: 'Council.Example, partner.gov.uk' }).VERIFIED_DOMAINS,
    ).toEqual(['council.example', 'partner.gov.uk']);
  });
  it('tab tokens come from the two Teams clients unless configured otherwise', () => {
    expect(loadConfig({}).TAB_SSO_CLIENT_APP_IDS).toEqual(['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346']);
    expect(() => loadConfig({ TAB_SSO_CLIENT_APP_IDS: 'teams' })).toThrow(/TAB_SSO_CLIENT_APP_IDS/);
  });
});

describe('sovereign-cloud connector settings', () => {
  it('extra connector hosts are exact host names, kept lower-case; the bot’s login URL must be HTTPS', () => {
    expect(loadConfig({ TRUSTED_SERVICE_URL_HOSTS: 'SMBA.connector.example.net, smba2.connector.example.net' }).TRUSTED_SERVICE_URL_HOSTS).toEqual([
      'smba.connector.example.net',
      'smba2.connector.example.net',
    ]);
    expect(loadConfig({}).TRUSTED_SERVICE_URL_HOSTS).toEqual([]);
    expect(errorOf({ TRUSTED_SERVICE_URL_HOSTS: 'https://smba.connector.example.net/' }).message).toMatch(/TRUSTED_SERVICE_URL_HOSTS/);
    expect(errorOf({ TRUSTED_SERVICE_URL_HOSTS: 'smba.connector.example.net:443' }).message).toMatch(/TRUSTED_SERVICE_URL_HOSTS/);
    expect(loadConfig({ ToChannelFromBotLoginUrl: 'https://login.microsoftonline.us/tenant' }).ToChannelFromBotLoginUrl).toBe(
      'https://login.microsoftonline.us/tenant',
    );
    expect(errorOf({ ToChannelFromBotLoginUrl: 'http://login.example/tenant' }).message).toMatch(/ToChannelFromBotLoginUrl/);
  });
});
