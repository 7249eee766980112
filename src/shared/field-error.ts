/** @module The base of the domain errors that name the request field at fault. */

/** A request refused for one of its fields; `field` names it (for the OperationOutcome). */
export class FieldError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}
