/** @module Finding a patient: `GET /api/patients?nhsNumber=…` or by demographics. */
import { Type, type Static } from '@sinclair/typebox';

/** The patient as the banner and search results show them: demographics only, from the national trace. */
export const PatientSummary = Type.Object({
  nhsNumber: Type.String(),
  /** 3-3-4, as clinicians read it. */
  nhsNumberFormatted: Type.String(),
  name: Type.Object({
    prefix: Type.Optional(Type.String()),
    given: Type.Array(Type.String()),
    family: Type.String(),
  }),
  birthDate: Type.Optional(Type.String()),
  /** Age in words for the banner ("42y", "7m"). */
  age: Type.Optional(Type.String()),
  gender: Type.Optional(Type.String()),
  /** Absent for a restricted (sensitive) patient. */
  address: Type.Optional(
    Type.Object({ lines: Type.Array(Type.String()), postcode: Type.Optional(Type.String()) }),
  ),
  registeredGp: Type.Optional(
    Type.Object({ odsCode: Type.String(), name: Type.Optional(Type.String()) }),
  ),
  /** A sensitive patient whose address and GP must not be shown. */
  restricted: Type.Boolean(),
  deceasedDateTime: Type.Optional(Type.String()),
});
export type PatientSummary = Static<typeof PatientSummary>;

export const Gender = Type.Union([
  Type.Literal('male'),
  Type.Literal('female'),
  Type.Literal('other'),
  Type.Literal('unknown'),
]);

/** The query of `GET /api/patients`: an NHS number, or family name and date of birth (and more). */
export const PatientSearchQuery = Type.Object(
  {
    nhsNumber: Type.Optional(Type.String({ maxLength: 20 })),
    family: Type.Optional(Type.String({ maxLength: 100 })),
    given: Type.Optional(Type.String({ maxLength: 100 })),
    birthdate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    gender: Type.Optional(Gender),
    postcode: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: false },
);
export type PatientSearchQuery = Static<typeof PatientSearchQuery>;

/** What `GET /api/patients` answers. */
export const PatientSearchResult = Type.Object({ patients: Type.Array(PatientSummary) });
export type PatientSearchResult = Static<typeof PatientSearchResult>;

/** The demographic search fields, as a form holds them (empty ones are left out of the query). */
export type DemographicsQuery = {
  readonly [K in Exclude<keyof PatientSearchQuery, 'nhsNumber'>]: string;
};
