/** @module The typed reasons the consent check refuses a view or a permission. */
import { FieldError } from '../shared/field-error.ts';
import { DISSENT_TEXT, PERMISSION_REQUIRED_TEXT } from '../shared/refusal-texts.ts';

/** No live permission or emergency basis covers this user and patient. */
export class PermissionRequired extends Error {
  override readonly name = 'PermissionRequired';
  constructor() {
    super(PERMISSION_REQUIRED_TEXT);
  }
}

/** The patient has asked that their record not be shared (local dissent register). */
export class PatientDissented extends Error {
  override readonly name = 'PatientDissented';
  constructor() {
    super(DISSENT_TEXT);
  }
}

/** A permission request that cannot be recorded as given. `field` names the bad field. */
export class InvalidPermission extends FieldError {
  override readonly name = 'InvalidPermission';
}

/** The permission does not exist, or is not this user's to withdraw. */
export class PermissionNotFound extends Error {
  override readonly name = 'PermissionNotFound';
  constructor() {
    super('No such permission.');
  }
}

/** The patient is not on the local dissent register, so there is nothing to withdraw. */
export class DissentNotFound extends Error {
  override readonly name = 'DissentNotFound';
  constructor() {
    super('This patient is not on the dissent register.');
  }
}
