/**
 * @module The words of the refusals that are both a domain error and an API error code: the
 * error's message and the code's default text (src/server/error-codes.ts) are one text, here.
 */

/** The role, or the user's relation to the thing, does not allow it (`Forbidden`, `FORBIDDEN`). */
export const FORBIDDEN_TEXT = 'Your role does not allow this.';

/** No live permission or emergency basis covers the view (`PermissionRequired`, `PERMISSION_REQUIRED`). */
export const PERMISSION_REQUIRED_TEXT =
  'Record the patient’s permission before viewing their record.';

/** The patient is on the local dissent register (`PatientDissented`, `DISSENT`). */
export const DISSENT_TEXT =
  'This patient has said they do not want their record shared through My Care Record.';
