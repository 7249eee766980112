/**
 * @module Rate limits through `@fastify/rate-limit`: every request per address (in memory, per
 * instance), and sign-in attempts per address with exponential backoff and from all addresses
 * together (in the shared counters, the database or Redis, seen by every instance). Going over
 * answers `429 RATE_LIMITED` with `Retry-After`, through the app's error path; counters that
 * cannot be reached answer `503 SIGN_IN_UNAVAILABLE`. Design: docs/security.md.
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CounterOptions, RateLimitStore } from '../access/rate-limit-counters.ts';
import type { RateLimitConfig } from '../config/config-schema.ts';
import { ApiError } from './operation-outcome.ts';

/** A hook that counts one attempt and throws `RATE_LIMITED` when a limit is passed. */
export type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** What the routes are given: the sign-in limit, and the limit for requests no route matched. */
export interface RateLimits {
  /** On every sign-in route (password, OpenID Connect start and callback). */
  readonly signIn: LimitHook;
  /** On the not-found handler, which the route-wide limit does not reach. */
  readonly notFound: LimitHook | undefined;
  /** The key an address is counted under (IPv6 by its prefix): also the sign-in lockout's key. */
  readonly clientKey: (request: FastifyRequest) => string;
}

function rateLimited(reply: FastifyReply, ttlMs: number, what: string): ApiError {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  void reply.header('retry-after', String(seconds));
  return new ApiError('RATE_LIMITED', `Too many ${what}. Try again in ${seconds} seconds.`);
}

/** Registers the limits on `app` (before its routes) and returns the hooks routes add themselves. */
export async function registerRateLimits(
  app: FastifyInstance,
  deps: {
    readonly settings: RateLimitConfig;
    /** The counters' store class (src/access/rate-limit-counters.ts), over the shared counters. */
    readonly counters: new (params: object) => RateLimitStore;
  },
): Promise<RateLimits> {
  const { settings } = deps;
  const clientKey = (request: FastifyRequest): string =>
    normalizeIP(request.ip, settings.ipv6PrefixLength);
  if (!settings.enabled) {
    return { signIn: async () => undefined, notFound: undefined, clientKey };
  }

  await app.register(rateLimit, {
    global: true,
    store: deps.counters,
    max: settings.api.max,
    timeWindow: settings.api.windowSeconds * 1000,
    keyGenerator: (request) => `api:${clientKey(request)}`,
    // Load balancers' probes are not clients.
    allowList: (request) => request.url.startsWith('/health/'),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        'RATE_LIMITED',
        `Too many requests. Try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} seconds.`,
      ),
  });

  const shared: CounterOptions = {
    counters: 'shared',
    exponentialBackoff: false,
    maxBackoffMs: settings.signIn.maxBackoffSeconds * 1000,
  };
  const perAddressOptions = {
    ...shared,
    exponentialBackoff: true,
    max: settings.signIn.max,
    timeWindow: settings.signIn.windowSeconds * 1000,
    keyGenerator: (request: FastifyRequest) => `sign-in:${clientKey(request)}`,
  };
  const perAddress = app.createRateLimit(perAddressOptions);
  const allAddressesOptions = {
    ...shared,
    max: settings.signInGlobal.max,
    timeWindow: settings.signInGlobal.windowSeconds * 1000,
    keyGenerator: () => 'sign-in:all',
  };
  const allAddresses = app.createRateLimit(allAddressesOptions);

  const signIn: LimitHook = async (request, reply) => {
    const own = await perAddress(request);
    if (!own.isAllowed && own.isExceeded) {
      throw rateLimited(reply, own.ttl, 'sign-in attempts from your address');
    }
    // Only attempts within their address's limit count here, so one address cannot use it up.
    const all = await allAddresses(request);
    if (!all.isAllowed && all.isExceeded) {
      throw rateLimited(reply, all.ttl, 'sign-in attempts just now');
    }
  };
  const notFoundLimit = app.rateLimit();
  return {
    signIn,
    notFound: async (request, reply) => {
      await notFoundLimit.call(app, request, reply);
    },
    clientKey,
  };
}
