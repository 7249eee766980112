/**
 * @module A simulated hospital EHR that launches My Care Record in context (SMART App Launch v2,
 * EHR launch): its page frames the viewer with a launch button per demo patient, its
 * authorisation server (ehr-authorisation.ts) answers on the same origin, and a small FHIR R4
 * server at `/fhir` serves `.well-known/smart-configuration` and `Patient/{id}` to bearer tokens.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { listPersonas } from '../population/personas.ts';
import type { SimPopulation } from '../population/population.ts';
import {
  createEhrAuthorisation,
  EHR_RESOURCE_SCOPES,
  type EhrAuthorisation,
  type LaunchContext,
  type ViewerClient,
} from './ehr-authorisation.ts';
import { renderEhrPage, type EhrPatientLink } from './ehr-page.ts';
import { ehrUser, EHR_ROLE_VALUES, EHR_USERS } from './ehr-users.ts';

/** The client id the EHR knows the viewer by. */
export const EHR_CLIENT_ID = 'my-care-record';
/** A launch token is good for this long, once. */
const LAUNCH_TTL_MS = 5 * 60_000;

export interface EhrServerOptions {
  readonly population: SimPopulation;
  /** The address to listen on: 127.0.0.1 unless told otherwise. */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /**
   * The host name in the EHR's own URLs (issuer, FHIR base, page). `localhost` beside a viewer on
   * 127.0.0.1 makes the two different sites, as a real EHR and viewer are.
   */
  readonly publicHost?: string | undefined;
  /** How many demo patients the page offers (the personas first); 6 unless told otherwise. */
  readonly patients?: number | undefined;
}

/** Where the viewer is, and how it is registered: known only once the viewer listens. */
export interface ViewerRegistration {
  /** The viewer's SMART launch URL (`…/launch`). */
  readonly launchUrl: string;
  /** The viewer's redirect URI (`…/launch/callback`). */
  readonly redirectUri: string;
  /** The `aud` of access tokens; the EHR's FHIR base URL unless told otherwise. */
  readonly audience?: string | undefined;
  /** Public keys: the viewer authenticates with `private_key_jwt` instead of the shared secret. */
  readonly jwks?: { readonly keys: readonly object[] } | undefined;
}

export interface RunningEhrServer {
  /** `http://host:port`: the EHR's page, and the issuer of its tokens. */
  readonly url: string;
  readonly issuer: string;
  /** The FHIR base URL: the `iss` of every launch. */
  readonly fhirBaseUrl: string;
  readonly clientId: string;
  /** The viewer's shared secret (`client_secret_basic`). */
  readonly clientSecret: string;
  /** The `aud` access tokens carry now. */
  audience(): string;
  /** The EHR's patients on its page: id at the EHR, NHS number, name. */
  readonly patients: readonly EhrPatientLink[];
  /** Registers the viewer (call once it listens; until then the authorisation server answers 503). */
  connectViewer(registration: ViewerRegistration): void;
  /**
   * Starts a launch as the EHR's button does, returning the viewer URL to open. `patientId`
   * undefined: a launch with no patient in context.
   */
  launchUrl(request: { readonly username: string; readonly patientId: string | undefined }): string;
  /** Adds a Patient the EHR holds beyond the population (e.g. one without a valid NHS number). */
  addPatient(patient: fhir4.Patient & { readonly id: string }): void;
  close(): Promise<void>;
}

/** The `smart.ehrs` entry that lets this EHR launch My Care Record (its claims mapped to our roles). */
export function ehrSmartConfig(ehr: RunningEhrServer): Record<string, unknown> {
  return {
    iss: ehr.fhirBaseUrl,
    name: 'Northgate Teaching Hospitals EPR (simulated)',
    clientId: ehr.clientId,
    clientSecret: ehr.clientSecret,
    claims: {
      username: 'username',
      displayName: 'name',
      role: { claim: 'role', values: EHR_ROLE_VALUES },
      organisation: 'organisation',
    },
  };
}

/** Starts the simulated EHR on loopback. */
export async function startEhrServer(options: EhrServerOptions): Promise<RunningEhrServer> {
  const { population } = options;
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const launches = new Map<string, LaunchContext & { readonly expiresAt: number }>();
  const extraPatients = new Map<string, fhir4.Patient>();
  const patients: EhrPatientLink[] = listPersonas()
    .slice(0, options.patients ?? 6)
    .map((persona, index) => ({
      id: `ehr-pt-${String(index + 1).padStart(4, '0')}`,
      nhsNumber: persona.nhsNumber,
      name: persona.name,
    }));
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const signingJwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid };
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), alg: 'RS256', use: 'sig', kid };
  const ownKeys = createLocalJWKSet({ keys: [publicJwk] });

  let authorisation: EhrAuthorisation | undefined;
  let viewer: ViewerRegistration | undefined;
  let url = '';

  const server = createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  url = `http://${options.publicHost ?? host}:${port}`;
  const fhirBaseUrl = `${url}/fhir`;
  const audience = (): string => viewer?.audience ?? fhirBaseUrl;

  function takeLaunch(token: string): LaunchContext | undefined {
    const launch = launches.get(token);
    launches.delete(token);
    if (launch === undefined || launch.expiresAt < Date.now()) return undefined;
    return { user: launch.user, patientId: launch.patientId };
  }

  function startLaunch(username: string, patientId: string | undefined): string {
    const user = ehrUser(username);
    if (viewer === undefined) throw new Error('The EHR has no viewer registered yet');
    if (user === undefined) throw new Error(`The EHR has no user ${username}`);
    const token = randomBytes(16).toString('base64url');
    launches.set(token, { user, patientId, expiresAt: Date.now() + LAUNCH_TTL_MS });
    const target = new URL(viewer.launchUrl);
    target.searchParams.set('iss', fhirBaseUrl);
    target.searchParams.set('launch', token);
    return target.href;
  }

  function patientResource(id: string): fhir4.Patient | undefined {
    const extra = extraPatients.get(id);
    if (extra !== undefined) return extra;
    const link = patients.find((patient) => patient.id === id);
    const resource = link === undefined ? undefined : population.pdsPatient(link.nhsNumber);
    return resource === undefined ? undefined : { ...resource, id };
  }

  async function readPatient(request: IncomingMessage, id: string): Promise<[number, unknown]> {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (token === undefined) return [401, outcome('login', 'A bearer token is required')];
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, ownKeys, {
        issuer: url,
        audience: audience(),
      }));
    } catch {
      return [401, outcome('login', 'The bearer token is not valid here')];
    }
    const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [];
    if (!scopes.some((scope) => EHR_RESOURCE_SCOPES.includes(scope)) || claims['patient'] !== id) {
      return [403, outcome('forbidden', 'The token does not grant this patient')];
    }
    const patient = patientResource(id);
    return patient === undefined ? [404, outcome('not-found', 'No such patient')] : [200, patient];
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = new URL(request.url ?? '/', url);
    const path = at.pathname;
    if (request.method === 'GET' && path === '/') {
      const user = ehrUser(at.searchParams.get('user') ?? '') ?? EHR_USERS[0];
      if (user === undefined) throw new Error('The EHR has no users');
      send(response, 200, 'text/html; charset=utf-8', renderEhrPage({ user, patients }));
      return;
    }
    if (request.method === 'GET' && path === '/ehr/launch') {
      const user = ehrUser(at.searchParams.get('user') ?? '');
      const patient = patients.find((p) => p.id === at.searchParams.get('patient'));
      if (user === undefined || patient === undefined || viewer === undefined) {
        send(
          response,
          400,
          'text/plain; charset=utf-8',
          'Unknown user or patient, or no viewer registered',
        );
        return;
      }
      response.writeHead(303, { location: startLaunch(user.username, patient.id) }).end();
      return;
    }
    if (request.method === 'GET' && path === '/fhir/.well-known/smart-configuration') {
      sendJson(response, 200, smartConfiguration(url), 'application/json');
      return;
    }
    const patientRead = /^\/fhir\/Patient\/([A-Za-z0-9.-]{1,64})$/.exec(path);
    if (request.method === 'GET' && patientRead?.[1] !== undefined) {
      const [status, body] = await readPatient(request, patientRead[1]);
      if (status === 401) response.setHeader('www-authenticate', 'Bearer realm="ehr"');
      sendJson(response, status, body, 'application/fhir+json');
      return;
    }
    if (path.startsWith('/fhir/')) {
      sendJson(response, 404, outcome('not-found', 'Not supported here'), 'application/fhir+json');
      return;
    }
    if (authorisation === undefined) {
      send(response, 503, 'text/plain', 'No viewer registered');
      return;
    }
    if (path.startsWith('/interaction/')) return authorisation.interaction(request, response);
    authorisation.handler(request, response);
  }

  return {
    url,
    issuer: url,
    fhirBaseUrl,
    clientId: EHR_CLIENT_ID,
    clientSecret,
    audience,
    patients,
    connectViewer(registration) {
      viewer = registration;
      const client: ViewerClient = {
        clientId: EHR_CLIENT_ID,
        redirectUri: registration.redirectUri,
        clientSecret,
        jwks: registration.jwks,
      };
      authorisation = createEhrAuthorisation({
        issuer: url,
        fhirBaseUrl,
        audience: audience(),
        signingJwk,
        client,
        takeLaunch,
      });
    },
    launchUrl: ({ username, patientId }) => startLaunch(username, patientId),
    addPatient(patient) {
      extraPatients.set(patient.id, patient);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** The SMART discovery document: every endpoint on the EHR's own origin. */
function smartConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/jwks`,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    grant_types_supported: ['authorization_code'],
    scopes_supported: ['openid', 'fhirUser', 'launch', ...EHR_RESOURCE_SCOPES],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-ehr',
      'client-confidential-symmetric',
      'client-confidential-asymmetric',
      'context-ehr-patient',
      'sso-openid-connect',
      'permission-patient',
      'permission-v2',
    ],
  };
}

function outcome(
  code: fhir4.OperationOutcomeIssue['code'],
  diagnostics: string,
): fhir4.OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown, type: string): void {
  send(response, status, type, JSON.stringify(body));
}
