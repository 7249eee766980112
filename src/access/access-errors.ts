/** @module The typed refusal of an action the user's role, or their relation to the thing, does not allow. */
import { FORBIDDEN_TEXT } from '../shared/refusal-texts.ts';

/** The user may not do this (the policy, or whom the thing belongs to, says no). */
export class Forbidden extends Error {
  override readonly name = 'Forbidden';
  constructor(message = FORBIDDEN_TEXT) {
    super(message);
  }
}
