/** @module The shape of My Care Record's configuration file, as a TypeBox schema. Every key is documented in docs/configuration.md. */
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { ROLES } from '../shared/roles.ts';

const OdsCode = Type.String({ pattern: '^[A-Z0-9]{3,10}$', description: 'ODS organisation code' });

export const SourceKind = Type.Union([Type.Literal('gp-connect'), Type.Literal('fhir-r4')]);

export const SourceAuth = Type.Union([
  Type.Object({ type: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('bearer'), token: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  /** SMART Backend Services: OAuth2 client credentials with a signed JWT assertion (`private_key_jwt`). */
  Type.Object(
    {
      type: Type.Literal('smart-backend'),
      tokenUrl: Type.String({ pattern: '^https?://' }),
      clientId: Type.String({ minLength: 1 }),
      /** PEM private key (RSA for RS384, EC P-384 for ES384), read once at start-up. */
      privateKeyFile: Type.String({ minLength: 1 }),
      keyId: Type.Optional(Type.String({ minLength: 1 })),
      algorithm: Type.Union([Type.Literal('RS384'), Type.Literal('ES384')], { default: 'RS384' }),
      scope: Type.String({ minLength: 1 }),
    },
    { additionalProperties: false },
  ),
]);

export const SourceTls = Type.Object(
  {
    certFile: Type.Optional(Type.String()),
    keyFile: Type.Optional(Type.String()),
    caFile: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const SourceBreaker = Type.Object(
  {
    failureThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    coolDownMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);

export const SourceConfigSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    name: Type.String({ minLength: 1 }),
    organisation: OdsCode,
    kind: SourceKind,
    url: Type.String({ pattern: '^https?://' }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 3000 }),
    maxResponseBytes: Type.Integer({ minimum: 1024, default: 10 * 1024 * 1024 }),
    /** GP Connect: the provider's ASID (Ssp-To). */
    asid: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$' })),
    /** FHIR R4: what the source holds, used for grouping (e.g. a social care system). */
    setting: Type.Union(
      [
        Type.Literal('gp'),
        Type.Literal('hospital'),
        Type.Literal('community'),
        Type.Literal('mental-health'),
        Type.Literal('social-care'),
      ],
      { default: 'hospital' },
    ),
    /**
     * FHIR R4: the source's patient identifier domain in the patient index (`recordLocator.patientIndex`),
     * e.g. `urn:oid:1.2.3`. With it the source is asked only when the index says it knows the
     * patient, and is asked by that local identifier; without it the source is always asked.
     */
    patientIdentifierSystem: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** FHIR R4: the resource types searched by patient. */
    resourceTypes: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z][A-Za-z]+$' }))),
    pageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    maxPages: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
    /**
     * FHIR R4: where the source's CapabilityStatement offers a `batch` of searches, ask a view's
     * searches in one batch (absent: true). False: never send this source a batch.
     */
    batch: Type.Optional(Type.Boolean()),
    auth: Type.Optional(SourceAuth),
    tls: Type.Optional(SourceTls),
    /** Circuit breaker (defaults in src/sources/resilience/resilience-options.ts): opens after this many failures in a row, tries again after the cool-down. */
    breaker: Type.Optional(SourceBreaker),
    /** Bulkhead: calls to this source at once (default 8)… */
    maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    /** …and calls waiting for a free slot (default 16); beyond it a call fails at once as "busy". */
    maxQueued: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false },
);

/** A claim, or one field of the objects a claim holds (e.g. CIS2's `nhsid_nrbac_roles[].org_code`). */
export const OidcClaimPath = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object(
    { claim: Type.String({ minLength: 1 }), field: Type.Optional(Type.String({ minLength: 1 })) },
    { additionalProperties: false },
  ),
]);

/** Our role from a claim's values: each value (or its last `:`-separated part) looked up in `values`. */
export const OidcRoleMapping = Type.Object(
  {
    claim: Type.String({ minLength: 1 }),
    field: Type.Optional(Type.String({ minLength: 1 })),
    values: Type.Record(
      Type.String({ minLength: 1 }),
      Type.Union(ROLES.map((role) => Type.Literal(role))),
    ),
    /** When the claim holds several entries, prefer the one this claim names (CIS2: `selected_roleid` = `person_roleid`). */
    selectedBy: Type.Optional(
      Type.Object(
        { claim: Type.String({ minLength: 1 }), field: Type.String({ minLength: 1 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** How an identity provider's claims become our username, display name, role and organisation. */
export const OidcClaimsSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, default: 'sub' }),
    displayName: Type.String({ minLength: 1, default: 'name' }),
    role: Type.Union([Type.String({ minLength: 1 }), OidcRoleMapping]),
    organisation: OidcClaimPath,
    sdsUserId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** Sign-in through an OpenID Connect provider (e.g. NHS CIS2), beside local accounts. */
export const OidcConfigSchema = Type.Object(
  {
    /** https, or http on a loopback address only (tests, local development). */
    issuer: Type.String({
      pattern: '^(https://|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?(/|$))',
    }),
    clientId: Type.String({ minLength: 1 }),
    clientSecret: Type.Optional(Type.String({ minLength: 1 })),
    clientSecretFile: Type.Optional(Type.String({ minLength: 1 })),
    tokenEndpointAuthMethod: Type.Optional(
      Type.Union([
        Type.Literal('client_secret_basic'),
        Type.Literal('client_secret_post'),
        Type.Literal('none'),
      ]),
    ),
    redirectUri: Type.Optional(Type.String({ pattern: '^https?://' })),
    scopes: Type.String({ minLength: 1, default: 'openid profile email' }),
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    claims: OidcClaimsSchema,
    createUsers: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

/** https, or http on a loopback address only (tests, local development). */
const HTTPS_OR_LOOPBACK = '^(https://|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?(/|$))';

/** One EHR that may launch the viewer in context (SMART App Launch v2, EHR launch). */
export const SmartEhrSchema = Type.Object(
  {
    /** The EHR's FHIR base URL, exactly as its launches send it in `iss`. */
    iss: Type.String({ pattern: HTTPS_OR_LOOPBACK }),
    /** What pages call this EHR; the iss's host when absent. */
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    clientId: Type.String({ minLength: 1 }),
    /** A shared secret (`client_secret_basic`)… */
    clientSecret: Type.Optional(Type.String({ minLength: 1 })),
    /** …or a private key (PKCS#8 PEM, RS256 or ES256) for `private_key_jwt`. Neither: a public client. */
    privateKeyFile: Type.Optional(Type.String({ minLength: 1 })),
    scopes: Type.String({ minLength: 1, default: 'launch openid fhirUser patient/Patient.rs' }),
    claims: OidcClaimsSchema,
    createUsers: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

/** One authorisation server whose JWT access tokens the FHIR API accepts. */
export const FhirApiIssuerSchema = Type.Object(
  {
    /** The tokens' `iss`, exactly. https, or http on a loopback address only. */
    issuer: Type.String({ pattern: HTTPS_OR_LOOPBACK }),
    /** Where the issuer publishes its signing keys (JWKS). */
    jwksUrl: Type.String({ pattern: HTTPS_OR_LOOPBACK }),
    /** The `aud` tokens must carry: this server's FHIR base URL, or the value the issuer uses for it. */
    audience: Type.String({ minLength: 1 }),
    /** Maps the token's claims to username, role and organisation, exactly as `oidc.claims` does. */
    claims: OidcClaimsSchema,
    /** Create a local account for a token's user seen for the first time (as OIDC sign-in does). */
    createUsers: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

/** The read-only FHIR R4 API under /fhir (docs/configuration.md `fhirApi`). */
export const FhirApiConfigSchema = Type.Object(
  {
    /** Authorisation servers whose bearer tokens are accepted; none: only the UI's session cookie. */
    issuers: Type.Array(FhirApiIssuerSchema, { default: [] }),
    /** The canonical base of the code systems and extensions the project defines (docs/fhir-api.md). */
    canonicalBase: Type.String({
      pattern: '^https?://[^\\s]+/$',
      default: 'https://mycarerecord.nhs.uk/fhir/',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** NHS login's identity proofing levels, lowest first (P0 low, P5 medium, P9 high). */
export const PROOFING_LEVELS = ['P0', 'P5', 'P9'] as const;

/** Patient sign-in through NHS login (OpenID Connect), for the patient's own pages (docs/configuration.md `nhsLogin`). */
export const NhsLoginConfigSchema = Type.Object(
  {
    /** https, or http on a loopback address only (the simulated NHS login, tests). */
    issuer: Type.String({
      pattern: '^(https://|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?(/|$))',
    }),
    clientId: Type.String({ minLength: 1 }),
    /** A client secret (client_secret_basic), or… */
    clientSecret: Type.Optional(Type.String({ minLength: 1 })),
    /** …a PEM private key for private_key_jwt (RS512), which the real NHS login requires. */
    privateKeyFile: Type.Optional(Type.String({ minLength: 1 })),
    /** The callback registered at NHS login; default `{server.publicUrl}/auth/nhs-login/callback`. */
    redirectUri: Type.Optional(Type.String({ pattern: '^https?://' })),
    scopes: Type.String({ minLength: 1, default: 'openid profile email' }),
    /** The lowest `identity_proofing_level` admitted. */
    minimumProofingLevel: Type.Union(
      PROOFING_LEVELS.map((level) => Type.Literal(level)),
      { default: 'P9' },
    ),
  },
  { additionalProperties: false },
);

/** Telling patients of emergency access and of a first access by a new organisation (docs/configuration.md `notifications`). */
export const NotificationsConfigSchema = Type.Object(
  {
    /** Email over SMTP, to patients who gave their address. */
    email: Type.Optional(
      Type.Object(
        {
          /** `smtp://host:port` or `smtps://user:password@host:port`. */
          smtpUrl: Type.String({ pattern: '^smtps?://' }),
          /** The sender, e.g. `My Care Record <no-reply@example.nhs.uk>`. */
          from: Type.String({ minLength: 3, maxLength: 200 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** A JSON POST per notification (NHS App messaging or NHS Notify can sit behind it). */
    webhook: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://' }),
          /** Sent as `Authorization: Bearer …`. */
          bearerToken: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** How often the queue is worked (seconds); a failed delivery waits longer each time. */
    retrySeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 30 }),
    /** Give up after this many attempts (the row stays, marked failed). */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  },
  { additionalProperties: false, default: {} },
);

/** A local time of day, `HH:MM` (24-hour); `24:00` is the end of the day. */
const TIME_OF_DAY = '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$';
const TimeOfDay = Type.String({ pattern: TIME_OF_DAY });

/** Working hours: views outside them (and, with `weekends`, on Saturdays and Sundays) raise alerts. */
export const WorkingHoursSchema = Type.Object(
  {
    start: Type.Optional(TimeOfDay),
    end: Type.Optional(TimeOfDay),
    /** An IANA time zone, e.g. `Europe/London`. */
    timeZone: Type.Optional(Type.String({ minLength: 1 })),
    /** Flag views on Saturdays and Sundays. */
    weekends: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

function ruleSwitch<P extends TProperties>(extra: P) {
  return Type.Object(
    { enabled: Type.Boolean({ default: true }), ...extra },
    { additionalProperties: false, default: {} },
  );
}

/** Privacy monitoring: rules over new audit entries that raise alerts for review (docs/configuration.md `monitoring`). */
export const MonitoringConfigSchema = Type.Object(
  {
    /** A YAML file mapping usernames to the staff member's own NHS number and postcode. */
    staffDirectory: Type.Optional(Type.String({ minLength: 1 })),
    /** Also look for new entries this often (seconds): those other server processes appended. 0: only this process's. */
    pollSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 30 }),
    rules: Type.Object(
      {
        emergencyAccess: ruleSwitch({}),
        sameSurname: ruleSwitch({}),
        sharedAddress: ruleSwitch({}),
        ownRecord: ruleSwitch({}),
        outOfHours: ruleSwitch({
          start: Type.String({ pattern: TIME_OF_DAY, default: '07:00' }),
          end: Type.String({ pattern: TIME_OF_DAY, default: '20:00' }),
          timeZone: Type.String({ minLength: 1, default: 'Europe/London' }),
          weekends: Type.Boolean({ default: true }),
          /** Per-organisation hours (keyed by ODS code), each key overriding the defaults above. */
          organisations: Type.Record(
            Type.String({ pattern: '^[A-Z0-9]{3,10}$' }),
            WorkingHoursSchema,
            {
              default: {},
            },
          ),
        }),
        viewSpike: ruleSwitch({
          patients: Type.Integer({ minimum: 1, maximum: 100_000, default: 30 }),
          minutes: Type.Integer({ minimum: 1, maximum: 1440, default: 60 }),
        }),
        restrictedPatient: ruleSwitch({}),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** One limit: at most `max` requests in `windowSeconds`. */
function limit(max: number, windowSeconds: number) {
  return Type.Object(
    {
      max: Type.Integer({ minimum: 1, maximum: 1_000_000, default: max }),
      windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: windowSeconds }),
    },
    { additionalProperties: false, default: {} },
  );
}

/** Rate limits: every request per address, and sign-in attempts per address and in all. */
export const RateLimitConfigSchema = Type.Object(
  {
    /** false turns every limit off (benchmarks); sign-in lockout still applies. */
    enabled: Type.Boolean({ default: true }),
    /** Requests of any kind from one address, counted by each server instance in memory. */
    api: limit(6000, 60),
    /** Sign-in attempts (password, OpenID Connect start and callback) from one address, counted in the database for all instances. */
    signIn: Type.Object(
      {
        max: Type.Integer({ minimum: 1, maximum: 100_000, default: 30 }),
        windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
        /** Each attempt over the limit doubles the wait, up to this many seconds. */
        maxBackoffSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 3600 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Sign-in attempts from all addresses together (a distributed guess), counted in the database. */
    signInGlobal: limit(600, 60),
    /** IPv6 addresses are counted by this prefix length (one home or site is usually a /64). */
    ipv6PrefixLength: Type.Integer({ minimum: 32, maximum: 128, default: 64 }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * Redis for the shared counters (sign-in rate limits and lockouts) instead of the database.
 * Absent: they are kept in the database. Configured but unreachable: the server does not start,
 * and sign-ins are refused while it stays unreachable.
 */
export const RedisConfigSchema = Type.Object(
  {
    /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://…` for TLS. */
    url: Type.String({ pattern: '^rediss?://[^\\s]+$' }),
    /** Put before every key, so deployments (or tests) can share one Redis. */
    keyPrefix: Type.String({ pattern: '^[A-Za-z0-9_.:-]{0,64}$', default: 'mcr:' }),
    /** Milliseconds a connection or a command may take before the counters count as unreachable. */
    timeoutMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        /** The public base URL (used as the GP Connect JWT issuer and in links). */
        publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
        trustProxy: Type.Boolean({ default: false }),
        /** Origins allowed to embed the UI in a frame (in-context launch from an EPR); none by default. */
        frameAncestors: Type.Array(Type.String({ pattern: '^https://[^\\s;,]+$' }), {
          default: [],
        }),
        /**
         * On SIGTERM, seconds the readiness check answers 503 "draining" while requests are still
         * served, so a load balancer stops sending new ones before the server stops listening.
         */
        drainSeconds: Type.Number({ minimum: 0, maximum: 300, default: 0 }),
        /** On SIGTERM, seconds allowed for in-flight views and streams to finish before exit 1. */
        shutdownTimeoutSeconds: Type.Number({ minimum: 1, maximum: 3600, default: 30 }),
      },
      { additionalProperties: false, default: {} },
    ),
    dataDir: Type.String({ default: './data' }),
    database: Type.Object(
      {
        /** Empty: SQLite in the data directory. `postgres://…`: PostgreSQL. */
        url: Type.String({ default: '' }),
        /** PostgreSQL only: the schema holding the tables (created if missing); `public` when absent. */
        schema: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
      },
      { additionalProperties: false, default: {} },
    ),
    consumer: Type.Object(
      {
        /** Our ASID, sent as Ssp-From to GP Connect providers. */
        asid: Type.String({ pattern: '^[0-9]{1,12}$', default: '200000000359' }),
        organisationName: Type.String({ default: 'My Care Record' }),
        /** Users' organisations' names by ODS code, sent as GP Connect `requesting_organization.name`. */
        organisationNames: Type.Record(
          Type.String({ pattern: '^[A-Z0-9]{3,10}$' }),
          Type.String({ minLength: 1, maxLength: 200 }),
          { default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    demographics: Type.Object(
      {
        url: Type.String({ pattern: '^https?://' }),
        timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 3000 }),
      },
      { additionalProperties: false },
    ),
    sources: Type.Array(SourceConfigSchema, { default: [] }),
    /** Finding the registered practice's GP Connect endpoint in the Spine Directory Service. */
    gpConnect: Type.Object(
      {
        /** The SDS FHIR API. When set, GP practices need not be listed in `sources`. */
        sds: Type.Optional(
          Type.Object(
            {
              url: Type.String({ pattern: '^https?://' }),
              /** Sent as the `apikey` header. */
              apiKey: Type.Optional(Type.String({ minLength: 1 })),
              timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 3000 }),
            },
            { additionalProperties: false },
          ),
        ),
        /** The Spine Secure Proxy prefix put in front of a practice's endpoint address. */
        sspUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
        /** The interaction looked up in SDS and sent as `Ssp-InteractionID`. */
        interaction: Type.String({
          minLength: 1,
          default: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
        }),
        /** Deadline and size cap of a call to a practice found through SDS. */
        timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 3000 }),
        maxResponseBytes: Type.Integer({ minimum: 1024, default: 10 * 1024 * 1024 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Finding the patient's other records: a regional patient index and the National Record Locator. */
    recordLocator: Type.Object(
      {
        /** An IHE PIXm patient index (`Patient/$ihe-pix`). */
        patientIndex: Type.Optional(
          Type.Object(
            {
              url: Type.String({ pattern: '^https?://' }),
              timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 3000 }),
            },
            { additionalProperties: false },
          ),
        ),
        /** The National Record Locator consumer API (FHIR R4 `DocumentReference` pointers). */
        nrl: Type.Optional(
          Type.Object(
            {
              url: Type.String({ pattern: '^https?://' }),
              timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 3000 }),
              /** Size cap of the pointer search and of each document opened from a pointer. */
              maxResponseBytes: Type.Integer({ minimum: 1024, default: 10 * 1024 * 1024 }),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    sessions: Type.Object(
      {
        idleTimeoutMinutes: Type.Integer({ minimum: 1, maximum: 240, default: 15 }),
        absoluteTimeoutHours: Type.Integer({ minimum: 1, maximum: 24, default: 12 }),
        maxFailedLogins: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
        lockoutMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Request limits and sign-in throttling (docs/configuration.md `rateLimit`, docs/security.md). */
    rateLimit: RateLimitConfigSchema,
    /** Absent: the sign-in rate-limit counters and lockouts are kept in the database. */
    redis: Type.Optional(RedisConfigSchema),
    permissions: Type.Object(
      {
        defaultHours: Type.Integer({ minimum: 1, maximum: 720, default: 24 }),
        maxHours: Type.Integer({ minimum: 1, maximum: 720, default: 72 }),
        emergencyHours: Type.Integer({ minimum: 1, maximum: 72, default: 4 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** The audit trail's signed checkpoints (see docs/configuration.md `audit`). */
    audit: Type.Object(
      {
        /** Sign a checkpoint once this many entries have been appended since the last. */
        checkpointEvery: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1000 }),
        /** And at least this often (seconds) while entries arrive; 0 turns the timer off. */
        checkpointSeconds: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
        /** Ed25519 private key (PKCS#8 PEM); absent: a demo key made in the data directory. */
        signingKeyFile: Type.Optional(Type.String({ minLength: 1 })),
        /** A file to append checkpoints to (JSON lines), or an http(s) URL to POST them to. */
        witness: Type.Optional(Type.String({ minLength: 1 })),
        /** Ship each entry to a SIEM: syslog (RFC 5424) over TLS (RFC 5425). */
        syslog: Type.Optional(
          Type.Object(
            {
              url: Type.String({ pattern: '^tls://[^\\s/]+$' }),
              caFile: Type.Optional(Type.String({ minLength: 1 })),
              hostname: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
              maxQueue: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 100_000 }),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    logging: Type.Object(
      {
        level: Type.Union(
          [
            Type.Literal('fatal'),
            Type.Literal('error'),
            Type.Literal('warn'),
            Type.Literal('info'),
            Type.Literal('debug'),
            Type.Literal('silent'),
          ],
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Absent: local accounts only. */
    oidc: Type.Optional(OidcConfigSchema),
    /** Absent: no patient sign-in. */
    nhsLogin: Type.Optional(NhsLoginConfigSchema),
    /** Patient notifications; none are sent when no channel is configured. */
    notifications: NotificationsConfigSchema,
    /** EHRs that may launch the viewer in a patient's context; none by default. */
    smart: Type.Object(
      { ehrs: Type.Array(SmartEhrSchema, { default: [] }) },
      { additionalProperties: false, default: {} },
    ),
    /** The read-only FHIR R4 API: bearer-token issuers and the project's canonical base. */
    fhirApi: FhirApiConfigSchema,
    policy: Type.Object(
      {
        /** The access policy file (docs/policy.md); the shipped policy/default-policy.yaml when absent. */
        file: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Privacy monitoring rules and the staff directory they use. */
    monitoring: MonitoringConfigSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type SourceConfig = Static<typeof SourceConfigSchema>;
export type GpConnectConfig = Static<typeof ConfigSchema>['gpConnect'];
export type RecordLocatorConfig = Static<typeof ConfigSchema>['recordLocator'];
export type OidcConfig = Static<typeof OidcConfigSchema>;
export type NhsLoginConfig = Static<typeof NhsLoginConfigSchema>;
export type NotificationsConfig = Static<typeof NotificationsConfigSchema>;
export type ProofingLevel = (typeof PROOFING_LEVELS)[number];
export type SmartEhrConfig = Static<typeof SmartEhrSchema>;
export type FhirApiConfig = Static<typeof FhirApiConfigSchema>;
export type FhirApiIssuerConfig = Static<typeof FhirApiIssuerSchema>;
export type MonitoringConfig = Static<typeof MonitoringConfigSchema>;
export type RateLimitConfig = Static<typeof RateLimitConfigSchema>;
export type RedisConfig = Static<typeof RedisConfigSchema>;
