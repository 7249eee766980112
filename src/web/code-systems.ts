/** @module The code systems the web recognises results and measurements by. */

export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
