/**
 * @module Reading an EHR's SMART discovery document: the specification's own sample, its endpoints
 * given relative to the FHIR base, and documents the viewer must refuse.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { discoveryUrl, parseSmartConfiguration } from '../../src/access/smart/smart-discovery.ts';
import { readFixtureJson } from '../support/fixtures.ts';

const sample = readFixtureJson('smart/smart-configuration-spec-sample.json') as Record<
  string,
  unknown
>;

describe('an EHR’s SMART discovery document', () => {
  test('is read from under the FHIR base, even when the base has a path', () => {
    assert.equal(
      discoveryUrl('https://ehr.example.com/r4/fhir/'),
      'https://ehr.example.com/r4/fhir/.well-known/smart-configuration',
    );
  });

  test('the specification’s sample gives the endpoints the launch uses', () => {
    const result = parseSmartConfiguration('https://ehr.example.com/fhir', sample);
    assert.deepEqual(result, {
      ok: true,
      server: {
        issuer: 'https://ehr.example.com',
        authorizationEndpoint: 'https://ehr.example.com/auth/authorize',
        tokenEndpoint: 'https://ehr.example.com/auth/token',
        jwksUri: 'https://ehr.example.com/.well-known/jwks.json',
      },
    });
  });

  test('relative endpoints are resolved against the FHIR base', () => {
    const result = parseSmartConfiguration('https://ehr.example.com/r4/fhir', {
      ...sample,
      authorization_endpoint: 'auth/authorize',
      token_endpoint: '../token',
      jwks_uri: '/jwks',
    });
    assert.ok(result.ok);
    assert.equal(
      result.server.authorizationEndpoint,
      'https://ehr.example.com/r4/fhir/auth/authorize',
    );
    assert.equal(result.server.tokenEndpoint, 'https://ehr.example.com/r4/token');
    assert.equal(result.server.jwksUri, 'https://ehr.example.com/jwks');
  });

  test('a document without PKCE S256 is refused', () => {
    const result = parseSmartConfiguration('https://ehr.example.com/fhir', {
      ...sample,
      code_challenge_methods_supported: ['plain'],
    });
    assert.deepEqual(result.ok ? undefined : result.reason, 'pkce-s256-unsupported');
  });

  test('a document with no JWKS (no verified ID token) or a plain-http endpoint is malformed', () => {
    const noJwks = { ...sample };
    delete noJwks['jwks_uri'];
    const missing = parseSmartConfiguration('https://ehr.example.com/fhir', noJwks);
    assert.equal(missing.ok ? undefined : missing.reason, 'discovery-malformed');
    const insecure = parseSmartConfiguration('https://ehr.example.com/fhir', {
      ...sample,
      token_endpoint: 'http://ehr.example.com/token',
    });
    assert.equal(insecure.ok ? undefined : insecure.reason, 'discovery-malformed');
    assert.equal(parseSmartConfiguration('https://ehr.example.com/fhir', []).ok, false);
  });
});
