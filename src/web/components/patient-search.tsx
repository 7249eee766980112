/** @module Find a patient by NHS number or by demographics, and choose one from the results. */
import { useRef, useState } from 'react';
import type { ApiClient, ApiResult } from '../api-client.ts';
import type { PatientSummary } from '../../api/patients.ts';
import { DemographicsForm } from './demographics-form.tsx';
import { NhsNumberForm } from './nhs-number-form.tsx';
import { SearchResults } from './search-results.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface PatientSearchProps {
  readonly api: ApiClient;
  readonly now: () => Date;
  readonly onSelect: (patient: PatientSummary) => void;
  readonly onSessionEnded: () => void;
}

type Mode = 'nhs-number' | 'demographics';

const MODES: readonly { readonly mode: Mode; readonly label: string }[] = [
  { mode: 'nhs-number', label: 'NHS number' },
  { mode: 'demographics', label: 'Name and date of birth' },
];

type Results =
  | { readonly kind: 'none' }
  | { readonly kind: 'searching' }
  | { readonly kind: 'found'; readonly patients: readonly PatientSummary[] };

/** The search page. Only one Search button is on the page at a time. */
export function PatientSearch({ api, now, onSelect, onSessionEnded }: PatientSearchProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const [mode, setMode] = useState<Mode>('nhs-number');
  const [results, setResults] = useState<Results>({ kind: 'none' });
  useFocusOnMount(heading);

  /** Runs a search; answers the error message for the form to show, if any. */
  async function run(search: () => Promise<ApiResult<readonly PatientSummary[]>>) {
    setResults({ kind: 'searching' });
    const result = await search();
    if (result.ok) {
      setResults({ kind: 'found', patients: result.value });
      return undefined;
    }
    setResults({ kind: 'none' });
    if (result.error.status === 401) onSessionEnded();
    return result.error.message;
  }

  function choose(index: number) {
    const next = MODES[(index + MODES.length) % MODES.length];
    if (next === undefined) return;
    setMode(next.mode);
    setResults({ kind: 'none' });
    tabs.current[MODES.indexOf(next)]?.focus();
  }

  return (
    <div>
      <h1 ref={heading} tabIndex={-1}>
        Find a patient
      </h1>
      <div className="tabs tabs--search" role="tablist" aria-label="Search by">
        {MODES.map(({ mode: m, label }, index) => (
          <button
            key={m}
            id={`search-tab-${m}`}
            ref={(element) => {
              tabs.current[index] = element;
            }}
            type="button"
            role="tab"
            className="tabs__tab"
            aria-selected={mode === m}
            aria-controls={`search-panel-${m}`}
            tabIndex={mode === m ? 0 : -1}
            onClick={() => {
              choose(index);
            }}
            onKeyDown={(event) => {
              if (event.key === 'ArrowRight') choose(index + 1);
              else if (event.key === 'ArrowLeft') choose(index - 1);
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div
        id={`search-panel-${mode}`}
        role="tabpanel"
        aria-label="Search details"
        className="tabs__panel"
      >
        {mode === 'nhs-number' ? (
          <NhsNumberForm onSearch={(nhsNumber) => run(() => api.findByNhsNumber(nhsNumber))} />
        ) : (
          <DemographicsForm onSearch={(query) => run(() => api.findByDemographics(query))} />
        )}
      </div>
      {results.kind === 'searching' && (
        <p role="status" className="loading">
          Searching…
        </p>
      )}
      {results.kind === 'found' && (
        <SearchResults patients={results.patients} now={now} onSelect={onSelect} />
      )}
    </div>
  );
}
