/** @module Mutual TLS settings for one source (client certificate, key, CA), as configured. */
export interface SourceTls {
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly caFile?: string | undefined;
}
