/** @module Alerts a clinician must see before opening any section: active Flags (safeguarding). */
import type { RecordView } from '../api/record.ts';
import { codeableConceptText, conceptListText, formatDate } from './fhir-display.ts';
import { SECTION_NAMES } from '../api/record.ts';

/** One active alert, in words, with who raised it. */
export interface RecordAlert {
  readonly text: string;
  readonly category: string;
  readonly since: string;
  readonly from: string;
}

/** Every active Flag in the record, in section order. Never throws. */
export function activeAlerts(sections: Partial<RecordView['sections']>): RecordAlert[] {
  const alerts: RecordAlert[] = [];
  for (const name of SECTION_NAMES) {
    for (const entry of sections[name] ?? []) {
      const r = entry.resource;
      if (r.resourceType !== 'Flag' || r['status'] !== 'active') continue;
      const period = r['period'];
      alerts.push({
        text: codeableConceptText(r['code']) ?? 'An alert without a description',
        category: conceptListText(r['category']),
        since:
          typeof period === 'object' && period !== null
            ? formatDate((period as { start?: unknown }).start)
            : '',
        from: entry.source.system,
      });
    }
  }
  return alerts;
}
