/**
 * @module Each source system's health for administrators (and anyone signed in): circuit
 * breaker, latency p50/p95, error rate and calls in flight or queued, refreshed every 10 s.
 */
import { useEffect, useRef, useState } from 'react';
import type { ApiClient, ApiError } from '../api-client.ts';
import { formatDateTime } from '../fhir-display.ts';
import type {
  SourceHealth as SourceHealthJson,
  SourcesStatus as SourcesStatusJson,
} from '../../api/sources.ts';
import { describeSourceStatus } from '../source-status.ts';
import { DataTable } from './data-table.tsx';
import { RefusalMessage } from './refusal-message.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface SourcesStatusPageProps {
  readonly api: ApiClient;
  readonly onSessionEnded: () => void;
  /** How often to refresh, in ms (10 s). */
  readonly refreshMs?: number;
}

const BREAKER: Readonly<
  Record<SourceHealthJson['breaker']['state'], { text: string; tag: string }>
> = {
  closed: { text: 'Closed: asked normally', tag: 'good' },
  'half-open': { text: 'Half-open: trying one call', tag: 'warning' },
  open: { text: 'Open: not asked', tag: 'alert' },
};

const SOURCE_COLUMNS = [
  'Source',
  'Breaker',
  'Median (p50)',
  'p95',
  'Error rate',
  'Calls',
  'In flight / queued',
  'Last answer',
];

function ms(value: number | null): string {
  return value === null ? '—' : `${Math.round(value)} ms`;
}

function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 1000) / 10}%`;
}

/** The table, refreshed while the page is open. */
export function SourcesStatusPage({
  api,
  onSessionEnded,
  refreshMs = 10_000,
}: SourcesStatusPageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState<SourcesStatusJson | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  useFocusOnMount(heading);

  useEffect(() => {
    let active = true;
    const load = async (): Promise<void> => {
      const result = await api.getSourcesStatus();
      if (!active) return;
      if (result.ok) {
        setStatus(result.value);
        setError(undefined);
      } else {
        if (result.error.status === 401) onSessionEnded();
        setError(result.error);
      }
    };
    void load();
    const timer = window.setInterval(() => void load(), refreshMs);
    return () => {
      active = false;
      window.clearInterval(timer);
    };
  }, [api, onSessionEnded, refreshMs]);

  return (
    <div>
      <h1 ref={heading} tabIndex={-1}>
        Source systems
      </h1>
      <p className="lede">
        How each system the record is gathered from has answered recently. Refreshed every{' '}
        {Math.round(refreshMs / 1000)} seconds.
      </p>
      <RefusalMessage error={error} doing="see the source systems’ status" />
      {status === undefined && error === undefined && <p className="loading">Loading…</p>}
      {status !== undefined && (
        <>
          <p className="hint">Updated {formatDateTime(status.time)}</p>
          <DataTable columns={SOURCE_COLUMNS}>
            {status.sources.map((source) => {
              const breaker = BREAKER[source.breaker.state];
              return (
                <tr key={source.id}>
                  <th scope="row">
                    {source.name}
                    <span className="cell-note">
                      {source.id} · {source.organisation} · {source.kind} · deadline{' '}
                      {source.timeoutMs / 1000} s
                    </span>
                  </th>
                  <td>
                    <span className={`tag tag--${breaker.tag}`}>{breaker.text}</span>
                    {source.breaker.retryInMs !== undefined && source.breaker.state === 'open' && (
                      <span className="cell-note">
                        retry in {Math.ceil(source.breaker.retryInMs / 1000)} s
                      </span>
                    )}
                    {source.breaker.consecutiveFailures > 0 && (
                      <span className="cell-note">
                        {source.breaker.consecutiveFailures} of {source.breaker.failureThreshold}{' '}
                        failures in a row
                      </span>
                    )}
                  </td>
                  <td>{ms(source.recent.p50Ms)}</td>
                  <td>{ms(source.recent.p95Ms)}</td>
                  <td>{percent(source.recent.errorRate)}</td>
                  <td>
                    {source.recent.calls}
                    <span className="cell-note">
                      last {Math.round(source.recent.windowSeconds / 60)} min
                      {source.recent.notAsked > 0 ? `, ${source.recent.notAsked} not asked` : ''}
                    </span>
                  </td>
                  <td>
                    {source.bulkhead.inFlight} / {source.bulkhead.queued}
                    <span className="cell-note">
                      of {source.bulkhead.maxConcurrent} / {source.bulkhead.maxQueued}
                    </span>
                  </td>
                  <td>
                    {source.recent.lastStatus === null
                      ? 'Not asked yet'
                      : describeSourceStatus(source.recent.lastStatus).text}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        </>
      )}
    </div>
  );
}
