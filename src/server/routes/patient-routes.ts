/** @module Finding a patient: `GET /api/patients?nhsNumber=…` or by demographics. Audited; search terms are not kept. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  PatientSearchQuery,
  PatientSearchResult as PatientSearchAnswer,
} from '../../api/patients.ts';
import { patientData } from './record-data.ts';
import { ApiError } from '../operation-outcome.ts';
import { actionRequest } from '../request-context.ts';
import type { ServerServices } from '../server-services.ts';
import { validNhsNumber } from './nhs-number-param.ts';
import { OutcomeSchema } from './schemas.ts';

export const patientRoutes: FastifyPluginAsyncTypebox<{ services: ServerServices }> = async (
  app,
  { services },
) => {
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
      const query = request.query;
      const result = await services.actions.searchPatients({
        ...actionRequest(request),
        terms: () => {
          if (query.nhsNumber !== undefined && query.nhsNumber.trim() !== '') {
            return { nhsNumber: validNhsNumber(query.nhsNumber) };
          }
          if ((query.family ?? '').trim() === '' && query.birthdate === undefined) {
            throw new ApiError(
              'INVALID_REQUEST',
              'Search by NHS number, or by family name and date of birth.',
              'family',
            );
          }
          return { demographics: query };
        },
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
