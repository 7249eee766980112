/**
 * @module The structured logger: pino with redaction. Logs carry request ids, routes and
 * statuses — never clinical content, credentials or NHS numbers.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Replaces anything that looks like an NHS number (10 digits, optionally 3-3-4 spaced). */
export function redactNhsNumbers(text: string): string {
  return text.replace(/\b\d{3}[ -]?\d{3}[ -]?\d{4}\b/g, '[nhs-number]');
}

export function createLogger(options: {
  readonly level: string;
  readonly destination?: DestinationStream | undefined;
}): Logger {
  return pino(
    {
      level: options.level,
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          'password',
          '*.password',
          'body',
          '*.body',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (request: { method?: string; url?: string; id?: string; ip?: string }) => ({
          id: request.id,
          method: request.method,
          url: redactNhsNumbers(stripQuery(request.url ?? '')),
          ip: request.ip,
        }),
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      },
    },
    options.destination,
  );
}

/** Query strings hold search terms (names, dates of birth): never log them. */
function stripQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?[redacted]`;
}
