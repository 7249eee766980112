/**
 * @module The read-only FHIR Consent export for privacy officers: `GET /fhir/Consent?patient={nhsNumber}`
 * or `?patient.identifier=https://fhir.nhs.uk/Id/nhs-number|{nhsNumber}`. Permissions, emergency
 * accesses and dissents as a searchset Bundle. Audited as `audit-searched`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { auditedAction, requirePolicyAction } from '../../audit/audited-action.ts';
import {
  consentSearchBundle,
  dissentToFhirConsent,
  toFhirConsent,
} from '../../consent/fhir-consent.ts';
import { NHS_NUMBER_SYSTEM } from '../../identity/nhs-number.ts';
import { ApiError } from '../operation-outcome.ts';
import { actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';

const ConsentQuery = Type.Object(
  {
    patient: Type.Optional(Type.String({ maxLength: 100 })),
    'patient.identifier': Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** The NHS number a search names: `patient=9990001234`, `patient=Patient/9990001234`, or a token. */
function searchedNhsNumber(query: { patient?: string; 'patient.identifier'?: string }): string {
  const token = query['patient.identifier'];
  if (token !== undefined) {
    const bar = token.indexOf('|');
    const system = bar < 0 ? undefined : token.slice(0, bar);
    if (system !== undefined && system !== '' && system !== NHS_NUMBER_SYSTEM) {
      throw new ApiError(
        'INVALID_REQUEST',
        `Search by NHS number: patient.identifier=${NHS_NUMBER_SYSTEM}|{nhsNumber}.`,
        'patient.identifier',
      );
    }
    return validNhsNumber(bar < 0 ? token : token.slice(bar + 1), 'patient.identifier');
  }
  if (query.patient !== undefined) {
    return validNhsNumber(query.patient.replace(/^Patient\//, ''), 'patient');
  }
  throw new ApiError(
    'INVALID_REQUEST',
    'Name the patient: patient={nhsNumber} or patient.identifier=…|{nhsNumber}.',
    'patient',
  );
}

export const fhirConsentRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { permissions, audit, now } = services;

  app.get('/fhir/Consent', { schema: { querystring: ConsentQuery } }, async (request, reply) => {
    const nhsNumber = searchedNhsNumber(request.query);
    const acting = actionRequest(request);
    await requirePolicyAction(
      services,
      acting,
      'search-audit',
      'fhir-consent-search',
      nhsNumber,
    );
    const at = now();
    const [granted, dissents] = await Promise.all([
      permissions.listForPatient(nhsNumber),
      permissions.listDissents(nhsNumber),
    ]);
    const consents = [
      ...granted.map((permission) => toFhirConsent(permission, at)),
      ...dissents.map(dissentToFhirConsent),
    ];
    await audit.append({
      ...auditedAction(services, acting).fields(),
      action: 'audit-searched',
      outcome: 'success',
      nhsNumber,
      resultCount: consents.length,
    });
    const self = `/fhir/Consent?patient.identifier=${encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${nhsNumber}`)}`;
    return reply
      .type('application/fhir+json; charset=utf-8')
      .send(consentSearchBundle(consents, self));
  });
};
