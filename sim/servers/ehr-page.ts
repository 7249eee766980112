/**
 * @module The simulated EHR's page: who is signed in at the EHR, a launch button per demo
 * patient, and the frame My Care Record opens in. Plain HTML forms, no scripts.
 */
import type { EhrUser } from './ehr-users.ts';
import { EHR_USERS } from './ehr-users.ts';

/** A patient on the EHR's list. */
export interface EhrPatientLink {
  /** The EHR's own Patient id (the launch's `patient`). */
  readonly id: string;
  readonly nhsNumber: string;
  readonly name: string;
}

/** The name of the frame the viewer opens in. */
export const VIEWER_FRAME = 'viewer';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function renderEhrPage(request: {
  readonly user: EhrUser;
  readonly patients: readonly EhrPatientLink[];
}): string {
  const { user, patients } = request;
  const others = EHR_USERS.filter((other) => other.username !== user.username)
    .map(
      (other) =>
        `<a href="/?user=${encodeURIComponent(other.username)}">${escapeHtml(other.name)}</a>`,
    )
    .join(', ');
  const rows = patients
    .map(
      (patient) => `<li>
<form method="get" action="/ehr/launch" target="${VIEWER_FRAME}">
<input type="hidden" name="user" value="${escapeHtml(user.username)}">
<input type="hidden" name="patient" value="${escapeHtml(patient.id)}">
<span>${escapeHtml(patient.name)} (NHS ${escapeHtml(patient.nhsNumber)})</span>
<button type="submit" data-patient="${escapeHtml(patient.id)}">Open in My Care Record</button>
</form>
</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Simulated EHR - Northgate Teaching Hospitals</title></head>
<body>
<header>
<h1>Northgate Teaching Hospitals EPR (simulated)</h1>
<p id="ehr-user">Signed in as ${escapeHtml(user.name)} (${escapeHtml(user.role)}, ${escapeHtml(user.organisation)}). Switch to: ${others}</p>
</header>
<main>
<h2>Ward list</h2>
<ul>
${rows}
</ul>
<iframe name="${VIEWER_FRAME}" title="My Care Record" width="1200" height="800"></iframe>
</main>
</body>
</html>
`;
}
