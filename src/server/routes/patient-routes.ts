/** @module Finding a patient: `GET /api/patients?nhsNumber=…` or by demographics. Audited; search terms are not kept. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  PatientSearchQuery,
  PatientSearchResult as PatientSearchAnswer,
} from '../../api/patients.ts';
import { patientData } from './record-data.ts';
import { auditActor } from '../../audit/audit-actor.ts';
import type { PatientSearchResult } from '../../identity/patient-finder.ts';
import { ApiError } from '../operation-outcome.ts';
import { auditClient, requireAuth } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { OutcomeSchema } from './schemas.ts';

export const patientRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
  const { patients, audit, now, mayViewRecords } = services;

  app.get(
    '/api/patients',
    {
      schema: {
        querystring: PatientSearchQuery,
        response: {
          200: PatientSearchAnswer,
          403: OutcomeSchema,
          400: OutcomeSchema,
          503: OutcomeSchema,
        },
      },
    },
    async (request) => {
      const { user } = requireAuth(request);
      const query = request.query;
      const common = {
        time: now().toISOString(),
        requestId: request.id,
        client: auditClient(request),
        actor: auditActor(user),
      };
      if (!mayViewRecords(user)) {
        await audit.append({
          ...common,
          action: 'access-denied',
          outcome: 'denied',
          attempted: 'patient-search',
          reasonCode: 'role-not-allowed',
        });
        throw new ApiError('FORBIDDEN');
      }

      let result: PatientSearchResult;
      let nhsNumber: string | undefined;
      if (query.nhsNumber !== undefined && query.nhsNumber.trim() !== '') {
        nhsNumber = validNhsNumber(query.nhsNumber);
        result = await patients.byNhsNumber(nhsNumber);
      } else {
        if ((query.family ?? '').trim() === '' && query.birthdate === undefined) {
          throw new ApiError(
            'INVALID_REQUEST',
            'Search by NHS number, or by family name and date of birth.',
            'family',
          );
        }
        result = await patients.search(query);
      }

      const found = result.kind === 'matches' ? result.patients : [];
      await audit.append({
        ...common,
        action: 'patient-search',
        outcome: result.kind === 'matches' ? 'success' : 'failure',
        searchType: nhsNumber === undefined ? 'demographics' : 'nhs-number',
        ...(nhsNumber === undefined ? {} : { nhsNumber }),
        resultCount: found.length,
        matchedNhsNumbers: found.map((patient) => patient.nhsNumber).slice(0, 100),
      });

      switch (result.kind) {
        case 'matches':
          return { patients: result.patients.map(patientData) };
        case 'too-many':
          throw new ApiError('INVALID_REQUEST', result.message);
        case 'invalid':
          throw new ApiError('INVALID_REQUEST', result.message);
        case 'unavailable':
          throw new ApiError('DEMOGRAPHICS_UNAVAILABLE', result.message);
      }
    },
  );
};
