/** @module One line per simulated source: what it is and where it listens. */
import type { RunningSims } from '../../../sim/start-sims.ts';

export function describeSims(sims: RunningSims): string[] {
  const lines = [`demographics (PDS)   ${sims.demographicsUrl}`];
  const discovery = sims.discoveryConfig();
  if (discovery.gpConnect !== undefined) {
    lines.push(`directory (SDS)      ${discovery.gpConnect.sds.url}`);
    lines.push(
      `GP Connect           ${sims.urls['gp-connect'] ?? ''}  (${sims.practices.length} practices, each at /{ODS}/STU3/1/gpconnect/structured/fhir)`,
    );
  }
  if (discovery.recordLocator !== undefined) {
    lines.push(`patient index (PIXm) ${discovery.recordLocator.patientIndex.url}`);
    lines.push(`record locator (NRL) ${discovery.recordLocator.nrl.url}`);
  }
  for (const source of sims.sourcesConfig()) {
    lines.push(
      `${source.id.padEnd(20)} ${source.url}  (${source.name}, ${source.kind}, ODS ${source.organisation})`,
    );
  }
  return lines;
}
