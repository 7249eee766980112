/**
 * @module Strict request validation: unknown body fields and query parameters are refused, never
 * dropped, on every route, and a validation failure says which field is at fault.
 */
import type { FastifyError, FastifyInstance, RouteOptions } from 'fastify';
import { ApiError } from './operation-outcome.ts';

/** The largest request body accepted (bytes); a larger one answers 413. Sign-in and permissions are small. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** The longest path parameter accepted (characters), Fastify's default, named so answers can say it. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Ajv settings for the server: keep unknown properties so `additionalProperties: false` refuses
 * them (Fastify's default would silently remove them and let the request through).
 */
export const STRICT_AJV_OPTIONS = { removeAdditional: false } as const;

/** An object schema that says nothing about extra properties, which we then close. */
function closeObjectSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  const record = schema as Record<string, unknown>;
  if (record['type'] !== 'object' || 'additionalProperties' in record) return schema;
  // A copy keeps TypeBox's symbol-keyed metadata, and leaves a schema shared by routes unchanged.
  return { ...record, additionalProperties: false };
}

const EMPTY_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Makes every route strict, including routes registered after this call by other plugins:
 * a route without a query schema accepts no query parameters, an object schema that does not
 * say otherwise accepts no unknown properties, and a route without a body schema accepts no body
 * fields. A route that must take parameters it does not know (an OpenID Connect callback) says so
 * with `additionalProperties: true`.
 */
export function registerStrictRequests(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = { ...(route.schema ?? {}) };
    schema.querystring =
      schema.querystring === undefined ? EMPTY_QUERY : closeObjectSchema(schema.querystring);
    if (schema.body !== undefined) schema.body = closeObjectSchema(schema.body);
    route.schema = schema;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.schema.body === undefined && methods.some((method) => BODY_METHODS.has(method))) {
      const refuseBody = async (request: { body: unknown }): Promise<void> => {
        const field = unexpectedBodyField(request.body);
        if (field !== undefined) {
          throw new ApiError('INVALID_REQUEST', `This request takes no "${field}" field.`, field);
        }
      };
      const existing = route.preValidation;
      route.preValidation =
        existing === undefined
          ? refuseBody
          : [...(Array.isArray(existing) ? existing : [existing]), refuseBody];
    }
  });
}

/** The first field of a body sent to a route that takes none (an empty object is no body). */
function unexpectedBodyField(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'object') return Object.keys(body)[0];
  return typeof body === 'string' && body.length === 0 ? undefined : 'body';
}

const PART_NAMES: Record<NonNullable<FastifyError['validationContext']>, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'headers',
};

/** The field at fault in a Fastify validation error, and a sentence naming it. */
export function describeValidationError(error: FastifyError): { text: string; field?: string } {
  const first = error.validation?.[0];
  const context = error.validationContext ?? 'body';
  const part = PART_NAMES[context];
  if (first === undefined) return { text: `The request is not valid: ${error.message}.` };
  const params: Record<string, unknown> = first.params;
  const path = first.instancePath
    .split('/')
    .filter((segment) => segment !== '')
    .join('.');
  if (
    first.keyword === 'additionalProperties' &&
    typeof params['additionalProperty'] === 'string'
  ) {
    const name = params['additionalProperty'];
    const field = path === '' ? name : `${path}.${name}`;
    return {
      text:
        context === 'querystring'
          ? `Unknown query parameter "${field}".`
          : `Unknown field "${field}" in the ${part}.`,
      field,
    };
  }
  if (first.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    const name = params['missingProperty'];
    const field = path === '' ? name : `${path}.${name}`;
    return { text: `The ${part} must have "${field}".`, field };
  }
  const field = path === '' ? undefined : path;
  const where = field === undefined ? `The ${part}` : `"${field}" in the ${part}`;
  return {
    text: `${where} ${first.message ?? 'is not valid'}.`,
    ...(field === undefined ? {} : { field }),
  };
}
