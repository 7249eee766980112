/**
 * @module A simulated NHS login: a real OpenID Connect provider (`oidc-provider`) on loopback that
 * issues NHS login's claim names — `nhs_number`, `identity_proofing_level` (P0/P5/P9), `vot`,
 * `vtm`, `family_name`, `birthdate`, `email`, `email_verified` — in RS512-signed ID tokens and at
 * UserInfo. Its own development sign-in form takes any password: it is for demos and tests only.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type KoaContextWithOidc } from 'oidc-provider';

/** One person at the simulated NHS login. */
export interface NhsLoginAccount {
  /** NHS login's `sub`: a stable identifier, never the NHS number. */
  readonly sub: string;
  readonly identity_proofing_level: 'P0' | 'P5' | 'P9';
  readonly nhs_number?: string;
  readonly family_name?: string;
  readonly birthdate?: string;
  readonly email?: string;
  readonly email_verified?: boolean;
}

/** The claims each scope gives, as NHS login's "Scopes and claims" page lists them. */
const SCOPE_CLAIMS = {
  openid: ['sub', 'vot', 'vtm'],
  profile: ['nhs_number', 'family_name', 'birthdate', 'identity_proofing_level'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
} as const;

/** The scopes My Care Record asks for. */
export const NHS_LOGIN_SCOPES = 'openid profile email';

/** Demo people, keyed by the login name typed into the simulated sign-in form. */
export const NHS_LOGIN_ACCOUNTS: Readonly<Record<string, NhsLoginAccount>> = {
  // The typical persona: records everywhere; high-level verified, with a verified email.
  'margaret.oakley': {
    sub: '6f1c2e0a-0107-4b8e-9d51-3a4b5c6d0107',
    identity_proofing_level: 'P9',
    nhs_number: '9990000107',
    family_name: 'Oakley',
    email: 'margaret.oakley@example.com',
    email_verified: true,
  },
  // The discharged patient: high-level verified.
  'arthur.pennington': {
    sub: '0a9b8c7d-0247-4e6f-8a1b-2c3d4e5f0247',
    identity_proofing_level: 'P9',
    nhs_number: '9990000247',
    family_name: 'Pennington',
    email: 'arthur.pennington@example.com',
    email_verified: true,
  },
  // Medium level (P5): a claimed identity, not enough to see who looked at a record.
  'daniel.hughes': {
    sub: '5e4d3c2b-0174-4a1b-9c8d-7e6f5a4b0174',
    identity_proofing_level: 'P5',
    nhs_number: '9990000174',
    family_name: 'Hughes',
  },
  // Low level (P0): email and phone only, no NHS number.
  'new.user': {
    sub: '1a2b3c4d-0000-4000-8000-000000000000',
    identity_proofing_level: 'P0',
    email: 'new.user@example.com',
    email_verified: true,
  },
};

export interface NhsLoginSimOptions {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly accounts?: Readonly<Record<string, NhsLoginAccount>> | undefined;
  /**
   * The client's public signing keys: the client then authenticates with `private_key_jwt`
   * (RS512), as NHS login requires of real services, instead of a client secret.
   */
  readonly clientJwks?: { readonly keys: readonly Record<string, unknown>[] } | undefined;
}

export interface RunningNhsLoginSim {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Registers My Care Record as the client with its callback URL (known only once the server
   * listens); until then the provider answers 503.
   */
  registerClient(redirectUri: string): void;
  close(): Promise<void>;
}

function vectorOfTrust(level: NhsLoginAccount['identity_proofing_level']): string {
  return `${level}.Cp.Cd`;
}

/** Starts the simulated NHS login on loopback (port 0 unless told). */
export async function startNhsLoginSim(
  options: NhsLoginSimOptions = {},
): Promise<RunningNhsLoginSim> {
  const accounts = options.accounts ?? NHS_LOGIN_ACCOUNTS;
  let handler: ReturnType<Provider['callback']> | undefined;
  const server: Server = createServer((request, response) => {
    if (handler === undefined) {
      response.writeHead(503).end();
      return;
    }
    handler(request, response);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const clientId = 'my-care-record-patients';
  const clientSecret = randomBytes(24).toString('base64url');
  // NHS login signs its tokens RS512.
  const { privateKey } = await generateKeyPair('RS512', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS512', use: 'sig', kid: 'sim' };
  const trustmark = `${issuer}/trustmark/${new URL(issuer).host}`;

  return {
    issuer,
    clientId,
    clientSecret,
    registerClient(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            ...(options.clientJwks === undefined
              ? { token_endpoint_auth_method: 'client_secret_basic' }
              : {
                  token_endpoint_auth_method: 'private_key_jwt',
                  token_endpoint_auth_signing_alg: 'RS512',
                  jwks: { keys: [...options.clientJwks.keys] },
                }),
            id_token_signed_response_alg: 'RS512',
          },
        ],
        jwks: { keys: [signingKey] },
        enabledJWA: { idTokenSigningAlgValues: ['RS512'], clientAuthSigningAlgValues: ['RS512'] },
        cookies: { keys: [randomBytes(24).toString('base64url')] },
        claims: SCOPE_CLAIMS,
        conformIdTokenClaims: false,
        extraParams: ['vtr'],
        pkce: { required: () => true },
        ttl: { Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, Interaction: 600 },
        features: { devInteractions: { enabled: true } },
        async findAccount(_ctx, id) {
          const account = Object.hasOwn(accounts, id) ? accounts[id] : undefined;
          if (account === undefined) return undefined;
          return {
            accountId: id,
            claims: () => ({
              ...account,
              vot: vectorOfTrust(account.identity_proofing_level),
              vtm: trustmark,
            }),
          };
        },
        // My Care Record is a first-party service here: no consent screen.
        async loadExistingGrant(ctx: KoaContextWithOidc) {
          const { oidc } = ctx;
          const existing =
            oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
          if (existing !== undefined) return oidc.provider.Grant.find(existing);
          const grant = new oidc.provider.Grant({
            accountId: oidc.session.accountId,
            clientId: oidc.client.clientId,
          });
          grant.addOIDCScope(Object.keys(SCOPE_CLAIMS).join(' '));
          await grant.save();
          return grant;
        },
      });
      handler = provider.callback();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
