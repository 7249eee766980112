/**
 * @module What the FHIR API implements, collected from the routes themselves: each `/fhir` route
 * declares its resource type, interaction and search parameters in its route config, and the
 * CapabilityStatement is built from what was registered — never kept by hand.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

/** A search parameter a search route honours, with its FHIR type. */
export interface FhirSearchParam {
  readonly name: string;
  readonly type: 'token' | 'reference' | 'date' | 'string' | 'number';
  readonly documentation: string;
}

/** A FHIR R4 resource type. */
export type FhirType = fhir4.CapabilityStatementRestResource['type'];

/** What one `/fhir` route implements. */
export type FhirRouteSpec =
  | { readonly type: FhirType; readonly interaction: 'read' }
  | {
      readonly type: FhirType;
      readonly interaction: 'search-type';
      readonly searchParams: readonly FhirSearchParam[];
    }
  | {
      readonly type: FhirType;
      readonly operation: { readonly name: string; readonly definition: string };
    };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The FHIR interaction this route implements, for the CapabilityStatement. */
    fhir?: FhirRouteSpec;
  }
}

/** The parameters every FHIR search here takes besides its own search parameters. */
export const FHIR_RESULT_PARAMETERS = ['_count', '_summary', '_format', '_offset'] as const;

export interface FhirRegistry {
  /** Everything registered, in registration order. */
  readonly routes: readonly FhirRouteSpec[];
}

/**
 * Collects every route's `config.fhir` as routes are added. A search route whose query schema
 * does not take a parameter it declares fails at start-up, so the statement cannot promise more
 * than the route accepts.
 */
export function collectFhirRoutes(app: FastifyInstance): FhirRegistry {
  const routes: FhirRouteSpec[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const spec = route.config?.fhir;
    // Fastify adds a HEAD route beside each GET, with the same config: count each interaction once.
    if (spec === undefined || route.method === 'HEAD') return;
    if ('interaction' in spec && spec.interaction === 'search-type') {
      const properties = querystringProperties(route.schema?.querystring);
      for (const param of spec.searchParams) {
        if (!properties.has(param.name)) {
          throw new Error(
            `${route.url}: declares search parameter ${param.name} its query schema does not take`,
          );
        }
      }
    }
    routes.push(spec);
  });
  return { routes };
}

function querystringProperties(schema: unknown): Set<string> {
  if (typeof schema !== 'object' || schema === null || !('properties' in schema)) return new Set();
  const properties = schema.properties;
  return new Set(
    typeof properties === 'object' && properties !== null ? Object.keys(properties) : [],
  );
}

/** The CapabilityStatement's `rest.resource` list, one entry per type, from what was registered. */
export function capabilityResources(
  registry: FhirRegistry,
): fhir4.CapabilityStatementRestResource[] {
  const byType = new Map<FhirType, fhir4.CapabilityStatementRestResource>();
  for (const spec of registry.routes) {
    const entry: fhir4.CapabilityStatementRestResource = byType.get(spec.type) ?? {
      type: spec.type,
    };
    if ('operation' in spec) {
      entry.operation = [...(entry.operation ?? []), { ...spec.operation }];
    } else {
      entry.interaction = [...(entry.interaction ?? []), { code: spec.interaction }];
      if (spec.interaction === 'search-type') {
        entry.searchParam = [
          ...(entry.searchParam ?? []),
          ...spec.searchParams.map((param) => ({ ...param })),
        ];
      }
    }
    byType.set(spec.type, entry);
  }
  return [...byType.values()].sort((a, b) => a.type.localeCompare(b.type));
}
