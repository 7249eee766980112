/**
 * @module What is printed: the patient, the sources, then the summary (alerts, current allergies,
 * medicines and their reconciliation, active problems) or the whole record, under a running
 * "Not for storage" marking repeated on every page. Drawn only while printing, outside the app's
 * root, and never shown on screen.
 */
import { useMemo } from 'react';
import { createPortal } from 'react-dom';
import type { RecordItem, RecordView, SectionName } from '../../api/record.ts';
import { SECTION_NAMES } from '../../api/record.ts';
import type { RecordPrinted } from '../../api/record-print.ts';
import { formatDate, formatDateTime } from '../fhir-display.ts';
import { formatPatientName } from '../patient-display.ts';
import { activeAlerts } from '../record-alerts.ts';
import { indexRecord } from '../record-index.ts';
import { newestFirst } from '../resource-summary.ts';
import { SECTION_LABELS } from '../source-status.ts';
import { ReconciliationTable } from './reconciliation-table.tsx';
import { itemFinder, RecordContext } from './record-context.ts';
import { RecordItemCard } from './record-item-card.tsx';

export interface PrintViewProps {
  readonly record: RecordView;
  readonly printed: RecordPrinted;
}

/** The words every printed page carries. */
export function printMarking(printed: RecordPrinted): string {
  return `Not for storage — printed by ${printed.printedBy}, ${printed.organisation}, ${formatDateTime(printed.printedAt)}; the live record may have changed`;
}

/** The summary's sections, current entries only. */
const SUMMARY_SECTIONS: readonly SectionName[] = ['allergies', 'medications', 'problems'];

export function PrintView({ record, printed }: PrintViewProps) {
  const resolve = useMemo(() => indexRecord(record.sections), [record.sections]);
  const context = useMemo(
    () => ({ reconciliation: record.reconciliation, findItem: itemFinder(record.sections) }),
    [record.reconciliation, record.sections],
  );
  const alerts = useMemo(() => activeAlerts(record.sections), [record.sections]);
  const summary = printed.scope === 'summary';
  const marking = printMarking(printed);
  const { patient } = record;
  const sections = summary ? SUMMARY_SECTIONS : SECTION_NAMES;
  return createPortal(
    <RecordContext.Provider value={context}>
      <div className="print-view">
        <table className="print-view__frame" role="presentation">
          <thead>
            <tr>
              <td>
                <p className="print-marking">{marking}</p>
              </td>
            </tr>
          </thead>
          <tfoot>
            <tr>
              <td>
                <p className="print-marking print-marking--foot">{marking}</p>
              </td>
            </tr>
          </tfoot>
          <tbody>
            <tr>
              <td>
                <h1>
                  {formatPatientName(patient.name)} — NHS number {patient.nhsNumberFormatted}
                </h1>
                <p>
                  {patient.birthDate === undefined ? '' : `Born ${formatDate(patient.birthDate)}. `}
                  My Care Record, {summary ? 'summary' : 'whole record'} as shown when printed.
                  Sources:{' '}
                  {record.sources.map((source) => `${source.name} (${source.message})`).join('; ')}
                </p>
                {alerts.length > 0 && (
                  <section>
                    <h2>Safeguarding and alerts</h2>
                    <ul>
                      {alerts.map((alert, index) => (
                        <li key={index}>
                          {alert.text} — from {alert.from}
                        </li>
                      ))}
                    </ul>
                  </section>
                )}
                {sections.map((name) => (
                  <PrintedSection
                    key={name}
                    name={name}
                    entries={record.sections[name]}
                    currentOnly={summary}
                    resolve={resolve}
                  />
                ))}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </RecordContext.Provider>,
    document.body,
  );
}

function PrintedSection({
  name,
  entries,
  currentOnly,
  resolve,
}: {
  readonly name: SectionName;
  readonly entries: readonly RecordItem[];
  readonly currentOnly: boolean;
  readonly resolve: ReturnType<typeof indexRecord>;
}) {
  const shown = newestFirst(entries.filter((entry) => entry.duplicateOf === undefined)).filter(
    (triaged) => !currentOnly || !triaged.inactive,
  );
  const label = SECTION_LABELS[name];
  return (
    <section className="print-view__section">
      <h2>{currentOnly ? `${label} (current)` : label}</h2>
      {name === 'medications' && <ReconciliationTable entries={entries} />}
      {shown.length === 0 ? (
        <p>None returned.</p>
      ) : (
        <ul className="items">
          {shown.map(({ entry }, index) => (
            <RecordItemCard key={index} entry={entry} resolve={resolve} />
          ))}
        </ul>
      )}
    </section>
  );
}
