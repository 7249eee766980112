/**
 * @module Recording, finding and withdrawing permissions, and the local dissent register.
 * The consent check runs before any source is contacted.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Config } from '../config/config-schema.ts';
import type { DatabaseSchema, DissentsTable, PermissionRow } from '../store/schema.ts';
import type { User } from '../access/user.ts';
import { visibleText, type VisibleText } from '../access/visible-text.ts';
import { InvalidPermission, PermissionNotFound } from './consent-errors.ts';
import {
  EMERGENCY_REASON_CODES,
  isLive,
  type EmergencyReasonCode,
  type Permission,
  type PermissionBasis,
  type PermissionMethod,
  type PermissionScope,
} from './permission.ts';

/** The `permissions` configuration section: how long a permission lasts. */
export type PermissionSettings = Config['permissions'];

/** Who is recording or using a permission: the user, and the organisation they act for. */
export type ConsentActor = Pick<User, 'id' | 'organisation'>;

/**
 * A permission as it is asked for, before {@link validateGrant} checks it: what is left out takes
 * its default, and the reason code is as sent (checked against the emergency reason codes).
 */
export interface GrantRequest
  extends
    Pick<Permission, 'nhsNumber' | 'basis'>,
    Partial<Pick<Permission, 'method' | 'givenBy' | 'reason' | 'scope'>> {
  readonly reasonCode?: string | undefined;
  readonly durationHours?: number | undefined;
  readonly actor: ConsentActor;
}

/**
 * The connection a write goes through: the audit's transaction when the write is an audited
 * action (see src/consent/*-permission.ts and *-dissent.ts), else the store's own.
 */
export type ConsentDb = Kysely<DatabaseSchema>;

export interface Permissions {
  /** Records a permission. Throws InvalidPermission naming the bad field. */
  grant(request: GrantRequest, into?: ConsentDb): Promise<Permission>;
  /** Records a permission already checked by {@link validateGrant}. */
  insert(permission: Permission, into?: ConsentDb): Promise<Permission>;
  /** Checks a grant request against the rules and the policy's defaults; builds its permission. */
  validate(request: GrantRequest): Permission;
  /**
   * The live permission covering this actor and patient now, if any (the latest to expire);
   * only one of `basis` when given.
   */
  findLive(
    nhsNumber: string,
    actor: ConsentActor,
    basis?: PermissionBasis,
  ): Promise<Permission | undefined>;
  listForPatient(nhsNumber: string): Promise<Permission[]>;
  get(id: string, from?: ConsentDb): Promise<Permission | undefined>;
  /** Withdraws a permission recorded by the actor's organisation. Throws PermissionNotFound. */
  withdraw(id: string, actor: ConsentActor, into?: ConsentDb): Promise<Permission>;
  /** Whether the patient is on the local dissent register. */
  hasDissent(nhsNumber: string): Promise<boolean>;
  /** Puts the patient on the dissent register; an existing entry is returned unchanged. */
  recordDissent(nhsNumber: string, actor: ConsentActor, into?: ConsentDb): Promise<Dissent>;
  /** Takes the patient off the register; returns the entries revoked (none when there was none). */
  revokeDissent(nhsNumber: string, actor: ConsentActor, into?: ConsentDb): Promise<Dissent[]>;
  /** Every dissent entry for the patient, newest first, revoked ones included. */
  listDissents(nhsNumber: string): Promise<Dissent[]>;
  /** One dissent entry (revoked or not) by its id. */
  getDissent(id: string): Promise<Dissent | undefined>;
}

/** One entry on the local dissent register. */
export interface Dissent {
  readonly id: string;
  readonly nhsNumber: string;
  readonly recordedBy: string;
  readonly createdAt: string;
  readonly revokedAt?: string | undefined;
  readonly revokedBy?: string | undefined;
}

/** Policy-driven defaults for new permissions (from the access policy). */
export interface PermissionDefaults {
  /** Whom a permission covers when the request does not say. */
  readonly scope?: PermissionScope | undefined;
  /** The default length for an organisation's permissions, if the policy sets one. */
  readonly hoursFor?: ((organisation: string) => number | undefined) | undefined;
}

const HOUR_MS = 3_600_000;
const MAX_REASON_LENGTH = 500;
const MAX_GIVEN_BY_LENGTH = 200;

export function createPermissions(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly settings: PermissionSettings;
  readonly now?: () => Date;
  readonly defaults?: PermissionDefaults | undefined;
}): Permissions {
  const { db, settings } = deps;
  const defaults = deps.defaults ?? {};
  const now = deps.now ?? (() => new Date());

  function covers(permission: Permission, actor: ConsentActor): boolean {
    return permission.scope === 'user'
      ? permission.userId === actor.id
      : permission.organisation === actor.organisation;
  }

  function validate(request: GrantRequest): Permission {
    const organisationHours =
      request.basis === 'consent' ? defaults.hoursFor?.(request.actor.organisation) : undefined;
    return validateGrant(
      {
        ...request,
        scope: request.scope ?? defaults.scope,
        durationHours:
          request.durationHours ??
          (organisationHours === undefined
            ? undefined
            : Math.min(organisationHours, settings.maxHours)),
      },
      settings,
      now(),
    );
  }

  async function insert(permission: Permission, into: ConsentDb = db): Promise<Permission> {
    await into
      .insertInto('permissions')
      .values({
        id: permission.id,
        nhs_number: permission.nhsNumber,
        basis: permission.basis,
        method: permission.method,
        given_by: permission.givenBy,
        reason_code: permission.reasonCode ?? null,
        reason: permission.reason ?? null,
        scope: permission.scope,
        user_id: permission.userId,
        organisation: permission.organisation,
        created_at: permission.createdAt,
        expires_at: permission.expiresAt,
        withdrawn_at: null,
        withdrawn_by: null,
      })
      .execute();
    if (permission.basis === 'emergency') {
      await into
        .insertInto('emergency_reviews')
        .values({
          permission_id: permission.id,
          outcome: null,
          note: null,
          reviewed_by: null,
          reviewed_at: null,
        })
        .execute();
    }
    return permission;
  }

  return {
    validate,
    insert,
    grant: (request, into) => insert(validate(request), into),

    async findLive(nhsNumber, actor, basis) {
      const at = now();
      let query = db.selectFrom('permissions').selectAll().where('nhs_number', '=', nhsNumber);
      if (basis !== undefined) query = query.where('basis', '=', basis);
      const rows = await query
        .where('withdrawn_at', 'is', null)
        .where('expires_at', '>', at.toISOString())
        .orderBy('expires_at', 'desc')
        .execute();
      return rows
        .map(permissionFromRow)
        .find((permission) => isLive(permission, at) && covers(permission, actor));
    },

    async listForPatient(nhsNumber) {
      const rows = await db
        .selectFrom('permissions')
        .selectAll()
        .where('nhs_number', '=', nhsNumber)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(permissionFromRow);
    },

    async get(id, from = db) {
      const row = await permissionRow(from, id);
      return row === undefined ? undefined : permissionFromRow(row);
    },

    async withdraw(id, actor, into = db) {
      const row = await permissionRow(into, id);
      if (row === undefined || row.organisation !== actor.organisation)
        throw new PermissionNotFound();
      if (row.withdrawn_at !== null) return permissionFromRow(row);
      const withdrawnAt = now().toISOString();
      await into
        .updateTable('permissions')
        .set({ withdrawn_at: withdrawnAt, withdrawn_by: actor.id })
        .where('id', '=', id)
        .where('withdrawn_at', 'is', null)
        .execute();
      return permissionFromRow({ ...row, withdrawn_at: withdrawnAt, withdrawn_by: actor.id });
    },

    async hasDissent(nhsNumber) {
      const row = await liveDissents(db, nhsNumber).select('id').executeTakeFirst();
      return row !== undefined;
    },

    async recordDissent(nhsNumber, actor, into = db) {
      const existing = await liveDissents(into, nhsNumber).selectAll().executeTakeFirst();
      if (existing !== undefined) return dissentFromRow(existing);
      const row = {
        id: randomUUID(),
        nhs_number: nhsNumber,
        recorded_by: actor.id,
        created_at: now().toISOString(),
        revoked_at: null,
        revoked_by: null,
      };
      await into.insertInto('dissents').values(row).execute();
      return dissentFromRow(row);
    },

    async revokeDissent(nhsNumber, actor, into = db) {
      const live = await liveDissents(into, nhsNumber).selectAll().execute();
      if (live.length === 0) return [];
      const revokedAt = now().toISOString();
      await into
        .updateTable('dissents')
        .set({ revoked_at: revokedAt, revoked_by: actor.id })
        .where('nhs_number', '=', nhsNumber)
        .where('revoked_at', 'is', null)
        .execute();
      return live.map((row) =>
        dissentFromRow({ ...row, revoked_at: revokedAt, revoked_by: actor.id }),
      );
    },

    async listDissents(nhsNumber) {
      const rows = await db
        .selectFrom('dissents')
        .selectAll()
        .where('nhs_number', '=', nhsNumber)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(dissentFromRow);
    },

    async getDissent(id) {
      const row = await db
        .selectFrom('dissents')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : dissentFromRow(row);
    },
  };
}

/** One permission's row, by its id. */
function permissionRow(from: ConsentDb, id: string) {
  return from.selectFrom('permissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The patient's entries on the dissent register that are not revoked (choose the columns). */
function liveDissents(from: ConsentDb, nhsNumber: string) {
  return from
    .selectFrom('dissents')
    .where('nhs_number', '=', nhsNumber)
    .where('revoked_at', 'is', null);
}

function dissentFromRow(row: Selectable<DissentsTable>): Dissent {
  return {
    id: row.id,
    nhsNumber: row.nhs_number,
    recordedBy: row.recorded_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at ?? undefined,
    revokedBy: row.revoked_by ?? undefined,
  };
}

/** Checks a grant request against the rules and builds the permission it records. */
export function validateGrant(
  request: GrantRequest,
  settings: PermissionSettings,
  at: Date,
): Permission {
  const emergency = request.basis === 'emergency';
  const givenBy =
    emergency && request.givenBy === undefined
      ? 'not-applicable'
      : typedText(visibleText(request.givenBy, MAX_GIVEN_BY_LENGTH), 'givenBy', {
          empty: 'Say who gave permission: the patient, or the person with authority.',
          tooLong: `Who gave permission must be under ${MAX_GIVEN_BY_LENGTH} characters.`,
        });

  const method = request.method ?? (emergency ? 'not-applicable' : undefined);
  if (method === undefined || (!emergency && method === 'not-applicable')) {
    throw new InvalidPermission('method', 'Say how permission was given: verbally or in writing.');
  }

  let reasonCode: EmergencyReasonCode | undefined;
  let reason: string | undefined;
  if (emergency) {
    reasonCode = EMERGENCY_REASON_CODES.find((code) => code === request.reasonCode);
    if (reasonCode === undefined) {
      throw new InvalidPermission(
        'reasonCode',
        `Emergency access needs a reason code: one of ${EMERGENCY_REASON_CODES.join(', ')}.`,
      );
    }
  }
  const checkedReason = visibleText(request.reason, MAX_REASON_LENGTH);
  // A consent's reason is optional: nothing visible is no reason. Emergency access needs one.
  if (emergency || checkedReason.ok || checkedReason.problem !== 'empty') {
    reason = typedText(checkedReason, 'reason', {
      empty: 'Emergency access needs a reason: say why the patient cannot give permission.',
      tooLong: `The reason must be under ${MAX_REASON_LENGTH} characters.`,
    });
  }

  const maxHours = emergency ? settings.emergencyHours : settings.maxHours;
  const hours =
    request.durationHours ?? (emergency ? settings.emergencyHours : settings.defaultHours);
  if (!Number.isFinite(hours) || hours <= 0 || hours > maxHours) {
    throw new InvalidPermission(
      'durationHours',
      `The duration must be between 1 and ${maxHours} hours.`,
    );
  }

  return {
    id: randomUUID(),
    nhsNumber: request.nhsNumber,
    basis: request.basis,
    method,
    givenBy,
    reasonCode,
    reason,
    scope: request.scope ?? 'user',
    userId: request.actor.id,
    organisation: request.actor.organisation,
    createdAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + hours * HOUR_MS).toISOString(),
  };
}

/** The typed text, or InvalidPermission naming the field and saying what is wrong. */
function typedText(
  checked: VisibleText,
  field: string,
  messages: { readonly empty: string; readonly tooLong: string },
): string {
  if (checked.ok) return checked.text;
  switch (checked.problem) {
    case 'empty':
      throw new InvalidPermission(field, messages.empty);
    case 'too-long':
      throw new InvalidPermission(field, messages.tooLong);
    case 'control-characters':
      throw new InvalidPermission(field, 'Use plain text: no control characters.');
  }
}

/** A permissions row as a Permission. */
export function permissionFromRow(row: PermissionRow): Permission {
  return {
    id: row.id,
    nhsNumber: row.nhs_number,
    basis: row.basis as PermissionBasis,
    method: row.method as PermissionMethod,
    givenBy: row.given_by,
    reasonCode: (row.reason_code ?? undefined) as EmergencyReasonCode | undefined,
    reason: row.reason ?? undefined,
    scope: row.scope as PermissionScope,
    userId: row.user_id,
    organisation: row.organisation,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    withdrawnAt: row.withdrawn_at ?? undefined,
    withdrawnBy: row.withdrawn_by ?? undefined,
  };
}
