/**
 * @module What every `/fhir` route shares at the HTTP edge: the content type, the base URL links
 * are made from, `_count`/`_offset`/`_summary` read the same way everywhere, searchset Bundles
 * with `total` and paging links, and the SMART scope check for bearer-token callers (audited).
 */
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { scopesAllow, type ScopeAccess } from '../access/bearer-token.ts';
import { auditedAction } from '../audit/audited-action.ts';
import { ApiError } from './operation-outcome.ts';
import { actionRequest, requireAuth } from './request-context.ts';
import type { ServerServices } from './server-services.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** The largest page a search answers, whatever `_count` asks for. */
export const MAX_COUNT = 200;

/** The query parameters every FHIR search here takes besides its own (see FHIR_RESULT_PARAMETERS). */
export const ResultParameters = {
  _count: Type.Optional(Type.String({ maxLength: 5, pattern: '^[0-9]+$' })),
  _offset: Type.Optional(Type.String({ maxLength: 7, pattern: '^[0-9]+$' })),
  _summary: Type.Optional(Type.Union([Type.Literal('count'), Type.Literal('false')])),
  _format: Type.Optional(Type.String({ maxLength: 40 })),
};

/** The FHIR base URL (`…/fhir`) links and `fullUrl`s are made from. */
export function fhirBaseUrl(services: ServerServices, request: FastifyRequest): string {
  const origin =
    services.config.server.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
  return `${origin}/fhir`;
}

/** The page a search asks for: `_count` (default `fallback`, at most MAX_COUNT), `_offset`, `_summary=count`. */
export function pageOf(
  query: {
    _count?: string | undefined;
    _offset?: string | undefined;
    _summary?: string | undefined;
  },
  fallback = 50,
): { count: number; offset: number; summaryCount: boolean } {
  const count = query._count === undefined ? fallback : Math.min(Number(query._count), MAX_COUNT);
  const offset = query._offset === undefined ? 0 : Number(query._offset);
  return { count, offset, summaryCount: query._summary === 'count' };
}

/** A searchset Bundle of one page, with `total` and `self`/`next`/`previous` links. */
export function searchsetBundle(input: {
  readonly selfUrl: string;
  readonly total: number;
  readonly offset: number;
  readonly count: number;
  readonly entries: readonly fhir4.BundleEntry[];
  /** The URL of another page, given its offset. */
  readonly pageUrl: (offset: number) => string;
}): fhir4.Bundle {
  const { total, offset, count } = input;
  const link: fhir4.BundleLink[] = [{ relation: 'self', url: input.selfUrl }];
  if (count > 0 && offset + count < total)
    link.push({ relation: 'next', url: input.pageUrl(offset + count) });
  if (count > 0 && offset > 0) {
    link.push({ relation: 'previous', url: input.pageUrl(Math.max(0, offset - count)) });
  }
  return {
    resourceType: 'Bundle',
    id: crypto.randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: 'searchset',
    total,
    link,
    ...(input.entries.length === 0 ? {} : { entry: [...input.entries] }),
  };
}

/** The request's query string with some parameters replaced (for paging links). */
export function withQuery(
  request: FastifyRequest,
  base: string,
  changes: Readonly<Record<string, string | undefined>>,
): string {
  const path = request.url.split('?')[0] ?? '';
  const params = new URLSearchParams(request.url.split('?')[1] ?? '');
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) params.delete(key);
    else params.set(key, value);
  }
  const query = params.toString();
  return `${base}${path.replace(/^\/fhir/, '')}${query === '' ? '' : `?${query}`}`;
}

/**
 * A bearer-token caller must hold a SMART scope for this resource type and access; one signed in
 * through the UI (session cookie) is governed by the policy alone. A refusal is audited (by the
 * audited action's deny, like every other refusal of a signed-in user).
 */
export async function requireScope(
  services: ServerServices,
  request: FastifyRequest,
  resourceType: string,
  access: ScopeAccess,
  nhsNumber?: string,
): Promise<void> {
  const { bearer } = requireAuth(request);
  if (bearer === undefined || scopesAllow(bearer.scopes, resourceType, access)) return;
  await auditedAction(services, actionRequest(request)).deny(
    {
      attempted: `fhir-${access}-${resourceType}`.slice(0, 80),
      reasonCode: 'insufficient-scope',
      nhsNumber,
    },
    new ApiError(
      'INSUFFICIENT_SCOPE',
      `The access token's scopes do not allow ${access} of ${resourceType}.`,
    ),
  );
}
