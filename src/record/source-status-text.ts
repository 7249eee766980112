/** @module Plain words for each way a source call can end, as the clinician reads them. */
import type { SourceStatus } from '../sources/source-result.ts';

const TEXT: Readonly<Record<SourceStatus, string>> = {
  answered: 'Answered.',
  'patient-not-found': 'This source holds no record for the patient.',
  dissent:
    'The patient has asked this organisation not to share their record. A permission recorded here cannot override this.',
  'access-denied': 'This organisation does not allow its record to be viewed from here.',
  'demographics-mismatch':
    'This source’s details for the patient do not match the national record, so its information is not shown.',
  'timed-out': 'This source did not answer in time. Its information is missing from this view.',
  'too-large':
    'This source sent more data than can safely be shown. Its information is missing from this view.',
  malformed:
    'This source sent a response that could not be read. Its information is missing from this view.',
  'wrong-content-type':
    'This source sent something other than a health record. Its information is missing from this view.',
  unavailable:
    'This source is unavailable at the moment. Its information is missing from this view.',
  busy: 'This source is busy with other requests. Its information is missing from this view; try again shortly.',
  refused: 'This source could not be reached. Its information is missing from this view.',
  error: 'This source reported an error. Its information is missing from this view.',
  'not-known-to-index':
    'Not asked: the regional patient index does not know this patient at this organisation.',
  'index-unavailable':
    'Not asked: the regional patient index could not be consulted, so whether this organisation holds a record is not known. Its information may be missing from this view.',
  'endpoint-not-found':
    "Not asked: the registered practice's GP Connect endpoint could not be found. Its information is missing from this view.",
  'no-registered-practice':
    'No GP practice asked: the national demographics service shows no current registered practice for this patient.',
};

/** The plain-words description of a source status. */
export function describeStatus(status: SourceStatus): string {
  return TEXT[status];
}
