// Everything the Safeguarding Action Tracker needs in a council's own subscription, in one resource
// group: a user-assigned managed identity (the bot's and the app's only identity: no client secret),
// a Linux Web App, the Azure Bot with its Teams channel, Cosmos DB for NoSQL without keys, Key Vault
// for the one secret, and Application Insights on a Log Analytics workspace.
//
// The containers come from the code (infra/containers.json, written by `npm run infra:containers`
// from services/store/containers.ts); a test fails when that file is stale, and another when an app
// setting the code requires in production is missing below. Deployed by m365agents.yml
// (`atk provision`) or by `az deployment group create` (docs/DEPLOY.md).

@description('Region for every resource but the bot. UK South keeps the data in the UK.')
param location string = 'uksouth'

@description('Where the Azure Bot resource lives: "westeurope" makes it a regional bot whose data stays in the EU boundary; "global" is Microsoft\'s default.')
@allowed([
  'westeurope'
  'global'
])
param botLocation string = 'westeurope'

@description('A short name used to derive every resource name, e.g. "oxsafe".')
@minLength(3)
@maxLength(16)
param resourceBaseName string

@description('The Teams app id of the app package (TEAMS_APP_ID), a GUID of your own.')
param teamsAppId string

@description('The app registration the tab\'s single sign-on tokens are issued for (see docs/DEPLOY.md, step 3).')
param tabSsoClientId string

@description('Comma-separated Entra tenant ids allowed to use the bot: the council\'s, then any partner agency\'s.')
param allowedTenantIds string = tenant().tenantId

@description('The council\'s own tenant: the only one whose UPNs can link people to the directory.')
param homeTenantId string = tenant().tenantId

@description('Comma-separated domains verified in the home tenant, e.g. "council.gov.uk".')
param verifiedDomains string = ''

@description('Short id of the organisation (the partnership) in the store, e.g. "oxford-cc".')
param orgId string

@description('Public host name of the app; empty uses the Web App\'s own azurewebsites.net name.')
param publicHostname string = ''

@description('Object ids (comma-separated) of the people who become the partnership\'s first administrators.')
param bootstrapAdminObjectIds string = ''

@description('Shared mailbox that emails people Teams cannot reach; empty turns email off.')
param mailSender string = ''

@description('The app\'s id in the Teams app catalog once uploaded (Teams admin centre); empty until then.')
param teamsCatalogAppId string = ''

@description('"serverless" (pay per request; right for most councils) or "autoscale" (shared database throughput).')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosCapacityMode string = 'serverless'

@description('Autoscale only: the most request units a second the database may scale to (it scales down to a tenth).')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('32 random bytes, base64 (openssl rand -base64 32): seals anonymous answers while they wait. Stored only in Key Vault.')
@secure()
param surveySealKey string

@description('App Service plan size. B1 is enough for a county; P0v3 adds zone redundancy options.')
param appServiceSku string = 'B1'

var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var names = {
  identity: '${resourceBaseName}-id'
  plan: '${resourceBaseName}-plan'
  webApp: '${resourceBaseName}-${suffix}'
  bot: '${resourceBaseName}-bot-${suffix}'
  cosmos: toLower('${resourceBaseName}-cosmos-${suffix}')
  keyVault: take('${resourceBaseName}kv${suffix}', 24)
  workspace: '${resourceBaseName}-logs'
  insights: '${resourceBaseName}-insights'
}
var databaseName = 'safeguarding'
var containers = loadJsonContent('containers.json')
var hostname = empty(publicHostname) ? '${names.webApp}.azurewebsites.net' : publicHostname

// Built-in role ids (the same in every tenant).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.workspace
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 90
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.insights
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: false
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.keyVault
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource sealKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'survey-seal-key'
  properties: {
    value: surveySealKey
    contentType: 'base64, 32 bytes'
  }
}

// The identity may read secrets, and nothing more: it cannot list keys, write or delete.
resource identityReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, identity.id, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: names.cosmos
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: cosmosCapacityMode == 'serverless' ? [ { name: 'EnableServerless' } ] : []
    // Entra ID only: no account key exists that could leak.
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: cosmosCapacityMode == 'autoscale' ? { autoscaleSettings: { maxThroughput: cosmosAutoscaleMaxThroughput } } : {}
  }
}

// One container per entry of infra/containers.json: partition key, indexing policy and TTL as the code declares them.
resource cosmosContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: container
    }
  }
]

resource identityUsesData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: identity.properties.principalId
    scope: cosmos.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: names.plan
  location: location
  kind: 'linux'
  sku: { name: appServiceSku }
  properties: { reserved: true }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: names.webApp
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity, not a system one.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/bot/main.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      http20Enabled: true
      minTlsVersion: '1.2'
      healthCheckPath: '/readyz'
      appSettings: [
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppTenantId', value: identity.properties.tenantId }
        // @azure/identity's managed identity credential picks the user-assigned identity by this.
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'ALLOWED_TENANT_IDS', value: allowedTenantIds }
        { name: 'HOME_TENANT_ID', value: homeTenantId }
        { name: 'VERIFIED_DOMAINS', value: verifiedDomains }
        { name: 'PUBLIC_HOSTNAME', value: hostname }
        { name: 'TEAMS_APP_ID', value: teamsAppId }
        { name: 'TAB_SSO_CLIENT_ID', value: tabSsoClientId }
        { name: 'COSMOS_ENDPOINT', value: cosmos.properties.documentEndpoint }
        { name: 'COSMOS_DATABASE', value: databaseName }
        { name: 'DEFAULT_ORG_ID', value: orgId }
        { name: 'DEFAULT_TIME_ZONE', value: 'Europe/London' }
        { name: 'SEED_DEMO_DATA', value: 'false' }
        // /home is App Service's persistent share: migration backups are written there.
        { name: 'DATA_DIR', value: '/home/data' }
        { name: 'SURVEY_SEAL_KEY', value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=${sealKeySecret.name})' }
        { name: 'BOOTSTRAP_ADMIN_OBJECT_IDS', value: bootstrapAdminObjectIds }
        { name: 'MAIL_SENDER', value: mailSender }
        { name: 'TEAMS_CATALOG_APP_ID', value: teamsCatalogAppId }
        // The app exports its own telemetry with OpenTelemetry (services/core/telemetry.ts): requests,
        // jobs, Cosmos DB, Graph and Bot Connector calls, with ids, queries and messages redacted.
        // App Service's Application Insights agent stays off, or every request would be sent twice.
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
      ]
    }
  }
  dependsOn: [
    identityReadsSecrets
    identityUsesData
    cosmosContainers
  ]
}

// The app writes one JSON log line per event to the console: keep them, and App Service's own
// request logs, in the workspace.
resource webAppLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: webApp
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: names.bot
  location: botLocation
  kind: 'azurebot'
  sku: { name: 'S1' }
  properties: {
    displayName: 'Safeguarding Action Tracker'
    endpoint: 'https://${hostname}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: botLocation
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output WEB_APP_NAME string = webApp.name
output WEB_APP_RESOURCE_ID string = webApp.id
output PUBLIC_HOSTNAME string = hostname
output COSMOS_ENDPOINT string = cosmos.properties.documentEndpoint
output KEY_VAULT_NAME string = keyVault.name
