/**
 * @module The composition root: builds every service from the configuration, in one readable block.
 * No module-level singletons: tests build as many apps as they like.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { sql } from 'kysely';
import type { DestinationStream, Logger } from 'pino';
import { createNhsLoginSignIn } from './access/nhs-login/nhs-login-sign-in.ts';
import { createPatientSessions } from './access/nhs-login/patient-sessions.ts';
import { createOidcSignIn } from './access/oidc/oidc-sign-in.ts';
import { createOidcAccounts } from './access/oidc/oidc-accounts.ts';
import { createBearerTokens } from './access/bearer-token.ts';
import { createPatientConcerns } from './audit/monitoring/patient-concerns.ts';
import { createChannels } from './notifications/notification-channels.ts';
import {
  createNotificationDispatcher,
  type NotificationDispatcher,
} from './notifications/notification-dispatcher.ts';
import { createNotificationQueue } from './notifications/notification-queue.ts';
import { createPatientPortal } from './patient/patient-portal.ts';
import { createDatabaseCounters } from './access/database-counters.ts';
import { rateLimitStoreClass } from './access/rate-limit-counters.ts';
import { connectRedisCounters } from './access/redis-counters.ts';
import type { SharedCounters } from './access/shared-counters.ts';
import { filterRecordForRole } from './access/policy/filter-record.ts';
import { loadPolicy } from './access/policy/load-policy.ts';
import type { Role } from './shared/roles.ts';
import { createSessions } from './access/sessions.ts';
import { createSmartLaunch } from './access/smart/smart-launch.ts';
import { createUserAccounts } from './access/user-accounts.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { checkProductionAuditSettings, createAuditSigning } from './audit/audit-signing.ts';
import { createSyslogShipper } from './audit/syslog-shipper.ts';
import { createPrivacyAlerts } from './audit/monitoring/privacy-alerts.ts';
import { createPrivacyMonitor, type PrivacyMonitor } from './audit/monitoring/privacy-monitor.ts';
import { loadStaffDirectory } from './audit/monitoring/staff-directory.ts';
import type { Config, SourceConfig } from './config/config-schema.ts';
import { createEmergencyReviews } from './consent/emergency-reviews.ts';
import { createPermissions } from './consent/permissions.ts';
import { createListPrivacyAlerts } from './audit/monitoring/list-privacy-alerts.ts';
import { createReviewPrivacyAlert } from './audit/monitoring/review-privacy-alert.ts';
import { createEmergencyAccess } from './consent/emergency-access.ts';
import { createPatientSignIn } from './access/nhs-login/patient-sign-in.ts';
import { createReportPatientAccess } from './audit/report-patient-access.ts';
import { createSearchAudit } from './audit/search-audit.ts';
import { createReadConsents } from './consent/read-consents.ts';
import { createSearchPatients } from './record/search-patients.ts';
import { createStaffSignIn } from './access/sign-in.ts';
import { createStaffSignOut } from './access/sign-out.ts';
import { createGrantPermission } from './consent/grant-permission.ts';
import { createRecordDissent } from './consent/record-dissent.ts';
import { createReviewEmergencyAccess } from './consent/review-emergency-access.ts';
import { createWithdrawDissent } from './consent/withdraw-dissent.ts';
import { createWithdrawPermission } from './consent/withdraw-permission.ts';
import { createDemographicsClient } from './identity/demographics-client.ts';
import { createPatientFinder } from './identity/patient-finder.ts';
import { askedWhateverTheTrace, createSourceDiscovery } from './record/discover-sources.ts';
import { createRecordPrint } from './record/record-print.ts';
import { createRecordViews } from './record/record-view.ts';
import { createServer } from './server/create-server.ts';
import { createRefusalAudit } from './server/refusal-audit.ts';
import type { ServerServices } from './server/server-services.ts';
import { sessionCookieName } from './server/authenticate.ts';
import { createLogger } from './server/logger.ts';
import { createFhirR4Connector } from './sources/fhir-r4/fhir-r4-connector.ts';
import { createGpConnectConnector } from './sources/gp-connect/gp-connect-connector.ts';
import { fetchSource } from './http/fetch-source.ts';
import { createNrlConnector } from './sources/nrl-client.ts';
import { createDocumentOpener } from './sources/nrl-document.ts';
import { createPatientIndexClient } from './sources/patient-index-client.ts';
import { createSdsClient, type GpConnectEndpoint } from './sources/sds-client.ts';
import type { SourceHttpOutcome, SourceHttpRequest } from './http/http-outcome.ts';
import type { Connector } from './sources/source-result.ts';
import { resilienceOptionsFor } from './sources/resilience/resilience-options.ts';
import { withResilience } from './sources/resilience/with-resilience.ts';
import { openStore, storeOptions } from './store/open-store.ts';
import type { Store } from './store/store.ts';

/** The built web UI, as `npm run build:web` writes it. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../dist/web', import.meta.url));

export interface AppDeps {
  readonly now?: () => Date;
  /** Where logs go (tests capture them); standard output by default. */
  readonly logDestination?: DestinationStream | undefined;
  /** NODE_ENV=production: demo accounts are refused, and the audit witness is required. */
  readonly production?: boolean | undefined;
  /** A store opened by the caller (tests); otherwise opened from the configuration. */
  readonly store?: Store | undefined;
  readonly fetchSource?: ((request: SourceHttpRequest) => Promise<SourceHttpOutcome>) | undefined;
  readonly webRoot?: string | undefined;
  /** Told of every route as it is added (tests check the OpenAPI document lists them all). */
  readonly observeRoute?: ((route: RouteOptions) => void) | undefined;
}

export interface App {
  readonly config: Config;
  readonly server: FastifyInstance;
  readonly store: Store;
  readonly logger: Logger;
  readonly services: ServerServices;
  /** The privacy-monitoring rules over new audit entries. */
  readonly privacyMonitor: PrivacyMonitor;
  /** Works the patient notification queue. */
  readonly notifications: NotificationDispatcher;
  /** Begins a graceful shutdown: readiness answers 503 `draining`; requests are still served. */
  drain(): void;
  /** Stops listening, waits for in-flight requests and streams, signs a last checkpoint, closes the store. */
  close(): Promise<void>;
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const now = deps.now ?? (() => new Date());
  const production = deps.production ?? process.env['NODE_ENV'] === 'production';
  const transport = deps.fetchSource ?? fetchSource;
  // Before anything is opened: production never runs with a trail whose tampering could hide.
  if (production) checkProductionAuditSettings(config.audit);
  // An invalid policy file stops the start here, naming the file and the key (PolicyError).
  const policy = loadPolicy(config.policy.file);
  const logger = createLogger({ level: config.logging.level, destination: deps.logDestination });
  const store = deps.store ?? (await openStore(storeOptions(config)));
  const db = store.db;
  const publicUrl = config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
  /** Operational warnings (witness, monitor, sign-in provider, Redis): never clinical content. */
  const warn = (message: string, error?: unknown): void => {
    logger.warn(error === undefined ? {} : { err: error }, message);
  };
  // Sign-in limits and lockouts, shared by every instance: in Redis if configured, else the database.
  const counters = await sharedCounters(config, { db, now, warn }).catch(async (error: unknown) => {
    if (deps.store === undefined) await store.close();
    throw error;
  });

  const accounts = createUserAccounts({
    db,
    now,
    production,
    maxFailedLogins: config.sessions.maxFailedLogins,
    lockoutMinutes: config.sessions.lockoutMinutes,
    counters,
  });
  // Staff and patient sessions end alike: after the idle timeout, or the absolute one however active.
  const sessionTimeouts = {
    idleTimeoutMinutes: config.sessions.idleTimeoutMinutes,
    absoluteTimeoutHours: config.sessions.absoluteTimeoutHours,
  };
  const sessions = createSessions({ db, now, ...sessionTimeouts });
  const permissions = createPermissions({
    db,
    settings: config.permissions,
    now,
    defaults: {
      scope: policy.settings.permissionScope,
      hoursFor: (organisation) => policy.permissionHoursFor(organisation),
    },
  });
  const emergencyReviews = createEmergencyReviews({ db, now });
  const oidc =
    config.oidc === undefined
      ? undefined
      : createOidcSignIn({
          settings: config.oidc,
          db,
          now,
          publicUrl: config.server.publicUrl,
          warn,
        });
  const smart =
    config.smart.ehrs.length === 0
      ? undefined
      : createSmartLaunch({
          ehrs: config.smart.ehrs,
          db,
          now,
          fetchJson: transport,
          publicUrl: config.server.publicUrl,
          warn,
        });
  // Bearer tokens' users are accounts like OIDC sign-in's: found by issuer and subject.
  const bearerTokens = createBearerTokens({
    issuers: config.fhirApi.issuers,
    accounts: createOidcAccounts({ db, now }),
    now,
  });
  const auditSigning = createAuditSigning({
    store,
    settings: config.audit,
    dataDir: config.dataDir,
    now,
    warn,
  });
  const privacyAlerts = createPrivacyAlerts({ db, now });
  const privacyMonitor = createPrivacyMonitor({
    store,
    audit: createAuditLog({ store, now }),
    alerts: privacyAlerts,
    settings: config.monitoring,
    directory: loadStaffDirectory(config.monitoring.staffDirectory),
    warn,
  });
  /** Reads entries back for shipping (a log with no listeners: reading tells no one). */
  const readAudit = createAuditLog({ store, now });
  const syslog =
    config.audit.syslog === undefined
      ? undefined
      : createSyslogShipper({
          settings: config.audit.syslog,
          readEntries: (fromSeq, toSeq) =>
            readAudit.list({ afterSeq: fromSeq - 1, limit: toSeq - fromSeq + 1 }),
          warn,
        });
  /** An organisation's name, for patients: the configured source's name, else its ODS code. */
  const organisationName = (ods: string): string =>
    config.sources.find((source) => source.organisation === ods)?.name ?? `Organisation ${ods}`;
  const channels = createChannels(config.notifications);
  const notificationQueue = createNotificationQueue({ channels: [...channels.keys()], now });
  const notifications = createNotificationDispatcher({
    db,
    now,
    channels,
    retrySeconds: config.notifications.retrySeconds,
    maxAttempts: config.notifications.maxAttempts,
    organisationName,
    historyUrl: new URL('/patient', publicUrl).href,
    warn,
  });
  const audit = createAuditLog({
    store,
    now,
    onAppended: (appended) => {
      auditSigning.onAppended(appended);
      privacyMonitor.onAppended(appended);
      syslog?.onAppended(appended);
      if (notificationQueue.takeQueuedFlag()) notifications.kick();
    },
    // Notifications are queued in the transaction of the audit entry that calls for them.
    inCommit: (trx, entries) => notificationQueue.enqueue(trx, entries),
  });
  const nhsLogin =
    config.nhsLogin === undefined
      ? undefined
      : createNhsLoginSignIn({
          settings: config.nhsLogin,
          db,
          now,
          publicUrl: config.server.publicUrl,
          warn,
        });
  const patientSessions = createPatientSessions({ db, now, ...sessionTimeouts });
  const patientPortal = createPatientPortal({
    db,
    audit,
    proofs: auditSigning.proofs,
    permissions,
    alerts: privacyAlerts,
    concerns: createPatientConcerns({ db, now }),
    policy,
    organisationName,
    now,
  });
  const demographics = createDemographicsClient({
    url: config.demographics.url,
    timeoutMs: config.demographics.timeoutMs,
    fetchSource: transport,
    now,
  });
  const patients = createPatientFinder({
    demographics,
    now,
    organisationName: (ods) => config.sources.find((source) => source.organisation === ods)?.name,
  });
  const connectors = config.sources.map((source) =>
    withResilience(
      createConnector(source, config, publicUrl, transport, now),
      resilienceOptionsFor(source),
    ),
  );
  const discover = createSourceDiscovery({
    connectors,
    sds:
      config.gpConnect.sds === undefined
        ? undefined
        : createSdsClient({
            ...config.gpConnect.sds,
            interaction: config.gpConnect.interaction,
            fetchSource: transport,
          }),
    patientIndex:
      config.recordLocator.patientIndex === undefined
        ? undefined
        : createPatientIndexClient({
            ...config.recordLocator.patientIndex,
            fetchSource: transport,
          }),
    nrl:
      config.recordLocator.nrl === undefined
        ? undefined
        : createNrlConnector({ ...config.recordLocator.nrl, fetchSource: transport }),
    practiceSource: (odsCode, endpoint) => discoveredPracticeSource(config, odsCode, endpoint),
    // Built for this view only: the endpoint is not kept beyond the encounter.
    practiceConnector: (endpoint) =>
      createConnector(
        discoveredPracticeSource(config, endpoint.odsCode, endpoint),
        config,
        publicUrl,
        transport,
        now,
      ),
  });
  const mayViewRecords = (user: { role: Role }) => policy.mayDo(user.role, 'view-record');
  const recordViews = createRecordViews({
    mayViewRecords,
    consent: permissions,
    emergencyOverridesDissent: policy.settings.emergencyOverridesDissent,
    audit,
    trace: (nhsNumber) => patients.trace(nhsNumber),
    connectors,
    discover,
    askBeforeTrace: (connector) =>
      askedWhateverTheTrace(connector, config.recordLocator.patientIndex !== undefined),
    documents:
      config.recordLocator.nrl === undefined
        ? undefined
        : createDocumentOpener({
            nrlUrl: config.recordLocator.nrl.url,
            timeoutMs: config.recordLocator.nrl.timeoutMs,
            maxResponseBytes: config.recordLocator.nrl.maxResponseBytes,
            sspUrl: config.gpConnect.sspUrl,
            fetchSource: transport,
          }),
    filter: ({ role, sections }) =>
      filterRecordForRole({ role, sections, policy, restrictedCodes: policy.restrictedCodes }),
    now,
    onTraced: (view) => privacyMonitor.onTraced(view),
  });

  // Refused requests (no session, bad CSRF), counted per address and minute into the audit.
  const refusals = createRefusalAudit({ audit, now, warn });
  let draining = false;

  const consentActionDeps = {
    audit,
    now,
    permissions,
    mayViewRecords,
    mayDo: (user: { role: Role }, action: 'emergency-access' | 'manage-dissent') =>
      policy.mayDo(user.role, action),
  };
  const mayReview = (user: { role: Role }) => policy.mayDo(user.role, 'review-emergency-access');
  const actions = {
    grantPermission: createGrantPermission(consentActionDeps),
    emergencyAccess: createEmergencyAccess(consentActionDeps),
    withdrawPermission: createWithdrawPermission(consentActionDeps),
    recordDissent: createRecordDissent(consentActionDeps),
    withdrawDissent: createWithdrawDissent(consentActionDeps),
    reviewEmergencyAccess: createReviewEmergencyAccess({
      audit,
      now,
      mayReview,
      emergencyReviews,
      privacyAlerts,
      auditEntries: audit,
      permissions,
    }),
    reviewPrivacyAlert: createReviewPrivacyAlert({
      audit,
      now,
      mayReview,
      privacyAlerts,
      emergencyReviews,
      auditEntries: audit,
    }),
    listPrivacyAlerts: createListPrivacyAlerts({ audit, now, policy, privacyAlerts, accounts }),
    recordPrint: createRecordPrint({
      mayViewRecords,
      consent: permissions,
      emergencyOverridesDissent: policy.settings.emergencyOverridesDissent,
      audit,
      now,
    }),
    searchAudit: createSearchAudit({ audit, now, policy, proofs: auditSigning.proofs }),
    reportPatientAccess: createReportPatientAccess({ audit, now, policy }),
    readConsents: createReadConsents({ audit, now, policy, permissions }),
    searchPatients: createSearchPatients({ audit, now, mayViewRecords, patients }),
    signIn: createStaffSignIn({ audit, now, sessions, accounts }),
    signOut: createStaffSignOut({ audit, now, sessions }),
    patientSignIn: createPatientSignIn({ audit, now, sessions: patientSessions }),
  };

  const services = {
    actions,
    config,
    accounts,
    sessions,
    permissions,
    audit,
    auditCheckpoints: auditSigning.checkpoints,
    auditProofs: auditSigning.proofs,
    patients,
    recordViews,
    mayViewRecords,
    policy,
    emergencyReviews,
    privacyAlerts,
    oidc,
    smart,
    bearerTokens,
    nhsLogin,
    patientSessions: nhsLogin === undefined ? undefined : patientSessions,
    patientPortal: nhsLogin === undefined ? undefined : patientPortal,
    rateLimitCounters: rateLimitStoreClass({ shared: counters, now }),
    refusals,
    now,
    cookie: {
      name: sessionCookieName(publicUrl.startsWith('https://')),
      secure: publicUrl.startsWith('https://'),
    },
    webRoot: deps.webRoot ?? DEFAULT_WEB_ROOT,
    sourceHealth: () => connectors.map((connector) => connector.health()),
    checkDatabase: async () => {
      await sql`select 1`.execute(db);
    },
    draining: () => draining,
  };
  const server = await createServer(services, logger, deps.observeRoute);
  privacyMonitor.start();
  notifications.start();
  refusals.start();

  return {
    config,
    server,
    store,
    logger,
    services,
    privacyMonitor,
    notifications,
    drain() {
      draining = true;
    },
    async close() {
      await server.close();
      await notifications.stop();
      await refusals.stop();
      await privacyMonitor.stop();
      await auditSigning.stop();
      await syslog?.stop();
      await counters.close();
      if (deps.store === undefined) await store.close();
    },
  };
}

/** The shared counters: Redis (`redis.url`, which must answer now) or the database. */
function sharedCounters(
  config: Config,
  deps: Parameters<typeof createDatabaseCounters>[0] & {
    readonly warn: (message: string, error?: unknown) => void;
  },
): Promise<SharedCounters> {
  return config.redis === undefined
    ? Promise.resolve(createDatabaseCounters(deps))
    : connectRedisCounters(config.redis, deps.warn);
}

function createConnector(
  source: SourceConfig,
  config: Config,
  publicUrl: string,
  transport: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>,
  now: () => Date,
): Connector {
  switch (source.kind) {
    case 'gp-connect':
      return createGpConnectConnector({
        source,
        consumer: {
          asid: config.consumer.asid,
          url: publicUrl,
          organisationName: config.consumer.organisationName,
        },
        fetchSource: transport,
        sspUrl: config.gpConnect.sspUrl,
        interaction: config.gpConnect.interaction,
        organisationName: (ods) => organisationNameOf(config, ods),
        now,
      });
    case 'fhir-r4':
      return createFhirR4Connector({ source, fetchSource: transport, now, chainedSearch: true });
  }
}

/** A practice found through SDS, as a source: its endpoint address and ASID, the `gpConnect` deadline and cap. */
function discoveredPracticeSource(
  config: Config,
  odsCode: string,
  endpoint?: GpConnectEndpoint,
): SourceConfig {
  return {
    id: `gp-${odsCode.toLowerCase()}`,
    name: `Registered GP practice (${odsCode})`,
    organisation: odsCode,
    kind: 'gp-connect',
    url: endpoint?.address ?? 'https://sds.invalid',
    ...(endpoint === undefined ? {} : { asid: endpoint.asid }),
    timeoutMs: config.gpConnect.timeoutMs,
    maxResponseBytes: config.gpConnect.maxResponseBytes,
    setting: 'gp',
    pageSize: 100,
    maxPages: 20,
  };
}

/** An organisation's name by ODS code, from the configured sources (the JWT's `requesting_organization.name`). */
function organisationNameOf(config: Config, odsCode: string): string | undefined {
  return (
    config.consumer.organisationNames[odsCode] ??
    config.sources.find((source) => source.organisation === odsCode)?.name
  );
}
