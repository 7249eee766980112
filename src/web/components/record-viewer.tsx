/** @module A loaded record: the permission it was viewed under, the sources, then the sections. */
import { useMemo, useRef } from 'react';
import type { RecordView } from '../api-types.ts';
import { formatDateTime } from '../fhir-display.ts';
import { SECTION_NAMES } from '../../record/sections.ts';
import { ErrorMessage } from './error-message.tsx';
import { SectionTabs } from './section-tabs.tsx';
import { SourcePanel } from './source-panel.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface RecordViewerProps {
  readonly record: RecordView;
  readonly withdrawError: string | undefined;
  readonly onWithdraw: () => void;
}

/** Finds a resource anywhere in the record by `Type/id`, for medication references. */
function buildIndex(record: RecordView): (reference: string) => unknown {
  const index = new Map<string, unknown>();
  for (const name of SECTION_NAMES) {
    for (const entry of record.sections[name] ?? []) {
      const { resourceType, id } = entry.resource;
      if (typeof id === 'string') index.set(`${resourceType}/${id}`, entry.resource);
    }
  }
  return (reference) => index.get(reference);
}

/** Moves focus to the permission bar when the record arrives. */
export function RecordViewer({ record, withdrawError, onWithdraw }: RecordViewerProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusOnMount(heading);
  const resolve = useMemo(() => buildIndex(record), [record]);
  const { permission } = record;
  return (
    <div className="record">
      <p role="status" className="visually-hidden">
        Record loaded from {record.sources.length} system{record.sources.length === 1 ? '' : 's'}.
      </p>
      <section className="permission-bar" aria-labelledby="permission-bar-heading">
        <div>
          <h2
            id="permission-bar-heading"
            ref={heading}
            tabIndex={-1}
            className="permission-bar__heading"
          >
            {permission.basis === 'emergency' ? 'Emergency access' : 'Viewing with permission'}
          </h2>
          <p className="permission-bar__text">Until {formatDateTime(permission.expiresAt)}</p>
        </div>
        <button type="button" className="button button--warning" onClick={onWithdraw}>
          Withdraw permission
        </button>
        <ErrorMessage message={withdrawError} />
      </section>
      {record.withheld === true && (
        <p className="inset inset--warning">
          Some information is not shown because of your role or because it is legally restricted.
        </p>
      )}
      <SourcePanel sources={record.sources} />
      <SectionTabs sections={record.sections} resolve={resolve} />
    </div>
  );
}
