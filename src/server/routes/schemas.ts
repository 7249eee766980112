/** @module The contract's schemas that most routes share, under the names routes use (src/api/ holds them all). */
export { OperationOutcome as OutcomeSchema } from '../../api/errors.ts';
export { NhsNumberParams } from '../../api/common.ts';
