/**
 * @module A real OpenID Connect provider (`oidc-provider`) on loopback for sign-in tests, shaped
 * like NHS CIS2: role claims (`nhsid_nrbac_roles`, `selected_roleid`) given at UserInfo under the
 * `nationalrbacaccess` scope, its own development login form, consent skipped as for a first-party app.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type AccountClaims, type KoaContextWithOidc } from 'oidc-provider';

/** One CIS2 role assignment: a job role (`S…:G…:R…`) at an organisation. */
export interface TestRoleAssignment {
  readonly person_roleid: string;
  readonly org_code?: string;
  readonly role_code: string;
  readonly role_name: string;
}

/** A person at the provider: the claims it gives about them besides `sub`, which is their login name. */
export type TestOidcAccount = Omit<AccountClaims, 'sub'> & {
  readonly nhsid_nrbac_roles?: readonly TestRoleAssignment[];
};

/** The scopes the provider offers, and the claims each gives. */
const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email'],
  nationalrbacaccess: ['uid', 'nhsid_nrbac_roles', 'selected_roleid'],
} as const;

/** Everything the system's `oidc` configuration needs to use this provider. */
export const TEST_OIDC_SCOPES = 'openid profile email nationalrbacaccess';

/**
 * People at the test provider, each with a story. The key is the login name typed into the
 * provider's form, and the `sub` the provider gives (CIS2's own subjects are numeric UIDs: `uid`).
 */
export const TEST_OIDC_ACCOUNTS: Readonly<Record<string, TestOidcAccount>> = {
  // A GP who also holds a hospital role, and chose the GP role when signing in.
  'dr-patel': {
    uid: '555000000001',
    name: 'Dr Asha Patel',
    email: 'asha.patel@nhs.net',
    selected_roleid: '555000000102',
    nhsid_nrbac_roles: [
      {
        person_roleid: '555000000101',
        org_code: 'RX1',
        role_code: 'S8000:G8000:R8003',
        role_name: '"Clinical":"Clinical Provision":"Health Professional Access Role"',
      },
      {
        person_roleid: '555000000102',
        org_code: 'A81001',
        role_code: 'S8000:G8000:R8000',
        role_name: '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
      },
    ],
  },
  // A ward nurse at the hospital trust.
  'nurse-jones': {
    uid: '555000000002',
    name: 'Megan Jones',
    selected_roleid: '555000000201',
    nhsid_nrbac_roles: [
      {
        person_roleid: '555000000201',
        org_code: 'RX1',
        role_code: 'S8000:G8000:R8001',
        role_name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
      },
    ],
  },
  // A receptionist: a real smartcard, but no role that may use the record viewer.
  receptionist: {
    uid: '555000000003',
    name: 'Sam Front-Desk',
    selected_roleid: '555000000301',
    nhsid_nrbac_roles: [
      {
        person_roleid: '555000000301',
        org_code: 'A81001',
        role_code: 'S8002:G8003:R8009',
        role_name: '"Admin & Clerical":"Receptionist":"Receptionist Access Role"',
      },
    ],
  },
  // A clinician whose role assignment does not say which organisation it is at.
  'no-organisation': {
    uid: '555000000004',
    name: 'Pat Nowhere',
    nhsid_nrbac_roles: [
      {
        person_roleid: '555000000401',
        role_code: 'S8000:G8000:R8000',
        role_name: '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
      },
    ],
  },
};

export interface TestOidcProvider {
  /** The issuer URL (`http://127.0.0.1:<port>`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Registers the system as a client with its callback URL. Call once the system is listening
   * (its port is known only then); until then the provider answers 503.
   */
  registerClient(redirectUri: string): void;
  close(): Promise<void>;
}

/** Starts the provider on 127.0.0.1, port 0. */
export async function startOidcProvider(
  accounts: Readonly<Record<string, TestOidcAccount>> = TEST_OIDC_ACCOUNTS,
): Promise<TestOidcProvider> {
  let handler: ReturnType<Provider['callback']> | undefined;
  const server: Server = createServer((request, response) => {
    if (handler === undefined) {
      response.writeHead(503).end();
      return;
    }
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'my-care-record';
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' };

  return {
    issuer,
    clientId,
    clientSecret,
    registerClient(redirectUri) {
      const provider: Provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        jwks: { keys: [signingKey] },
        cookies: { keys: [randomBytes(24).toString('base64url')] },
        claims: SCOPE_CLAIMS,
        pkce: { required: () => true },
        ttl: { Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, Interaction: 600 },
        features: { devInteractions: { enabled: true } },
        async findAccount(_ctx, id) {
          const claims = Object.hasOwn(accounts, id) ? accounts[id] : undefined;
          if (claims === undefined) return undefined;
          return { accountId: id, claims: () => ({ ...claims, sub: id }) };
        },
        // A first-party application: no consent screen, every offered scope granted.
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
