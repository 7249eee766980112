/**
 * @module A record's address: `/patients/{viewId}/{tab}`, where `viewId` is an opaque random id
 * made when the patient is opened. The NHS number is never in the path or query (addresses reach
 * server and proxy logs); it lives only in the history entry's state (`history.state`), which the
 * browser keeps for Back and reload of this tab and never sends anywhere. On reload the record is
 * asked for again, through the same permission check and audit as any view.
 */

/** What a record's history entry holds. */
export interface RecordRouteState {
  readonly kind: 'record';
  readonly viewId: string;
  readonly nhsNumber: string;
  readonly tab: string;
}

const PATH = /^\/patients\/([A-Za-z0-9-]{8,64})(?:\/([A-Za-z]{1,32}))?\/?$/;

/** The address of one tab of one opened record: no NHS number in it. */
export function recordPath(viewId: string, tab: string): string {
  return `/patients/${encodeURIComponent(viewId)}/${encodeURIComponent(tab)}`;
}

/** True for a path that names a record view (whether or not this tab knows which patient). */
export function isRecordPath(path: string): boolean {
  return PATH.test(path);
}

function isRecordState(value: unknown): value is RecordRouteState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Partial<Record<keyof RecordRouteState, unknown>>;
  return (
    state.kind === 'record' &&
    typeof state.viewId === 'string' &&
    typeof state.nhsNumber === 'string' &&
    /^\d{10}$/.test(state.nhsNumber) &&
    typeof state.tab === 'string'
  );
}

/**
 * The record a path and its history state name: the patient from the state, the tab from the
 * path. `orphan` when the path names a record this history entry knows nothing of (an address
 * pasted into another tab or window): the patient must be found again.
 */
export function readRecordRoute(
  path: string,
  state: unknown,
): RecordRouteState | 'orphan' | undefined {
  const match = PATH.exec(path);
  if (match === null) return undefined;
  const [, viewId = '', tab] = match;
  if (!isRecordState(state) || state.viewId !== viewId) return 'orphan';
  return { ...state, tab: tab ?? state.tab };
}

/** A fresh opaque id for a record opened now. */
export function newViewId(): string {
  return crypto.randomUUID();
}
