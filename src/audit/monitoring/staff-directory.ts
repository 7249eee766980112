/**
 * @module The staff directory the privacy rules compare patients with: each member of staff's own
 * NHS number (a user viewing their own record) and home postcode (a user viewing a neighbour or
 * someone in their household). Read from a YAML file named in `monitoring.staffDirectory`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** What the directory holds about one member of staff. */
export interface StaffMember {
  /** Ten digits, no spaces. */
  readonly nhsNumber?: string | undefined;
  /** Upper case, no spaces (`LS14AB`). */
  readonly postcode?: string | undefined;
}

/** Staff looked up by username (case-insensitive). */
export interface StaffDirectory {
  lookup(username: string): StaffMember | undefined;
  readonly size: number;
}

/** The staff directory file is unreadable or not in the expected shape; names the file and the entry. */
export class StaffDirectoryError extends Error {
  override readonly name = 'StaffDirectoryError';
}

/** A postcode as compared: upper case, letters and digits only. */
export function normalisePostcode(postcode: string): string {
  return postcode.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Builds a directory from username → NHS number, or username → `{ nhsNumber?, postcode? }`. */
export function staffDirectoryFrom(
  entries: Readonly<Record<string, unknown>>,
  where = 'staff directory',
): StaffDirectory {
  const members = new Map<string, StaffMember>();
  for (const [username, value] of Object.entries(entries)) {
    members.set(username.toLowerCase(), memberFrom(value, `${where}: ${username}`));
  }
  return {
    lookup: (username) => members.get(username.toLowerCase()),
    size: members.size,
  };
}

/** An empty directory: the own-record and shared-address rules then never fire. */
export const EMPTY_STAFF_DIRECTORY: StaffDirectory = staffDirectoryFrom({});

/**
 * Reads the directory file (YAML mapping usernames to an NHS number, or to
 * `{ nhsNumber, postcode }`); no file: the empty directory. Throws StaffDirectoryError.
 */
export function loadStaffDirectory(file: string | undefined): StaffDirectory {
  if (file === undefined) return EMPTY_STAFF_DIRECTORY;
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StaffDirectoryError(`${file}: the staff directory could not be read (${reason})`, {
      cause: error,
    });
  }
  if (parsed === null || parsed === undefined) return EMPTY_STAFF_DIRECTORY;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StaffDirectoryError(`${file}: the staff directory must map usernames to entries`);
  }
  return staffDirectoryFrom(parsed as Record<string, unknown>, file);
}

function memberFrom(value: unknown, where: string): StaffMember {
  if (typeof value === 'string' || typeof value === 'number') {
    return { nhsNumber: nhsNumberFrom(String(value), where) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StaffDirectoryError(`${where}: give an NHS number, or { nhsNumber, postcode }`);
  }
  const known = new Set(['nhsNumber', 'postcode']);
  const unknownKey = Object.keys(value).find((key) => !known.has(key));
  if (unknownKey !== undefined) {
    throw new StaffDirectoryError(`${where}: unknown key ${unknownKey} (nhsNumber, postcode)`);
  }
  const { nhsNumber, postcode } = value as { nhsNumber?: unknown; postcode?: unknown };
  if (
    postcode !== undefined &&
    (typeof postcode !== 'string' || normalisePostcode(postcode) === '')
  ) {
    throw new StaffDirectoryError(`${where}: postcode must be a postcode`);
  }
  return {
    nhsNumber:
      nhsNumber === undefined
        ? undefined
        : nhsNumberFrom(typeof nhsNumber === 'number' ? String(nhsNumber) : nhsNumber, where),
    postcode: postcode === undefined ? undefined : normalisePostcode(postcode),
  };
}

function nhsNumberFrom(value: unknown, where: string): string {
  const digits = typeof value === 'string' ? value.replace(/[\s-]/g, '') : '';
  if (!/^[0-9]{10}$/.test(digits)) {
    throw new StaffDirectoryError(`${where}: nhsNumber must be ten digits`);
  }
  return digits;
}
