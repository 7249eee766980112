/** @module Generates a patient's demographics alone (cheap), so PDS search can scan a large population without building records. */
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from './data/names.ts';
import { INWARD_LETTERS, STREET_NAMES, TOWNS } from './data/places.ts';
import { daysAgo } from './dates.ts';
import { PRACTICES } from './practices.ts';
import { streamFor } from './random.ts';
import type { Gender, PersonName, SimAddress } from './patient-model.ts';

export interface Demographics {
  readonly name: PersonName;
  readonly gender: Gender;
  readonly birthDate: string;
  readonly address: SimAddress;
  readonly phone: string;
  readonly practiceOds: string;
}

function prefixFor(gender: Gender, ageYears: number, married: boolean): string {
  if (ageYears < 16) return gender === 'male' ? 'Master' : 'Miss';
  if (gender === 'male') return 'Mr';
  return married ? 'Mrs' : 'Ms';
}

/** The demographics of the patient with this NHS number in a population with this seed. */
export function generateDemographics(seed: number, nhsNumber: string): Demographics {
  const rng = streamFor(seed, nhsNumber, 'demographics');
  const gender: Gender = rng.chance(0.51) ? 'female' : 'male';
  // An age pyramid: more working-age adults, a tail to 100.
  const band = rng.next();
  const ageYears =
    band < 0.06
      ? rng.int(0, 4)
      : band < 0.2
        ? rng.int(5, 17)
        : band < 0.7
          ? rng.int(18, 64)
          : band < 0.9
            ? rng.int(65, 79)
            : rng.int(80, 100);
  const birthDate = daysAgo(ageYears * 365.25 + rng.int(1, 364));
  const givenPool = gender === 'female' ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES;
  const given = [rng.pick(givenPool)];
  if (rng.chance(0.3)) given.push(rng.pick(givenPool));
  const name: PersonName = {
    prefix: prefixFor(gender, ageYears, rng.chance(0.5)),
    given,
    family: rng.pick(FAMILY_NAMES),
  };
  const town = rng.pick(TOWNS);
  const district = rng.pick(town.districts);
  const postalCode = `${district} ${rng.int(1, 9)}${INWARD_LETTERS[rng.int(0, INWARD_LETTERS.length - 1)] ?? 'A'}${
    INWARD_LETTERS[rng.int(0, INWARD_LETTERS.length - 1)] ?? 'B'
  }`;
  const address: SimAddress = {
    line: [`${rng.int(1, 180)} ${rng.pick(STREET_NAMES)}`],
    city: town.town,
    district: town.county,
    postalCode,
  };
  // Ofcom's drama ranges keep numbers fictional: 07700 900xxx and 01632 960xxx.
  const digits = String(rng.int(0, 999)).padStart(3, '0');
  const phone = rng.chance(0.6) ? `07700 900${digits}` : `01632 960${digits}`;
  const practice = PRACTICES[rng.int(0, PRACTICES.length - 1)] ?? PRACTICES[0];
  return { name, gender, birthDate, address, phone, practiceOds: practice?.ods ?? 'A81001' };
}
