/**
 * @module Brands (dm+d AMPs) and the generic drug (VTM) they are, as curated data, so a medicine
 * prescribed by brand on one list and generically on another is matched as one drug.
 *
 * Source: the dm+d AMPs the project ships (sim/population/data/medicines.ts, from the real GP
 * Connect supplier payloads) by code, and the brand names of the BNF paragraphs in
 * medicine-classes.ts by name (British National Formulary, "medicinal forms" of each drug).
 * A brand not listed here is matched only by its own code or name.
 */

/** dm+d AMP concept ids the project ships → the generic drug (VTM name, lower case). */
export const AMP_GENERICS: Readonly<Record<string, string>> = {
  '11933011000001106': 'insulin glargine', // Lantus 100units/ml … SoloStar pens (Sanofi)
  '3184311000001107': 'fluticasone propionate', // Flixotide 100micrograms/dose Accuhaler
  '3779411000001103': 'miconazole', // Daktarin 2% powder
  '42111000001107': 'levonorgestrel with ethinylestradiol', // Microgynon 30 tablets
};

/** Brand names (lower case, as the first word of an AMP's name) → the generic drug. */
export const BRAND_GENERICS: Readonly<Record<string, string>> = {
  lipitor: 'atorvastatin',
  zocor: 'simvastatin',
  crestor: 'rosuvastatin',
  eliquis: 'apixaban',
  xarelto: 'rivaroxaban',
  lixiana: 'edoxaban',
  pradaxa: 'dabigatran etexilate',
  plavix: 'clopidogrel',
  brilique: 'ticagrelor',
  nexium: 'esomeprazole',
  losec: 'omeprazole',
  lantus: 'insulin glargine',
  abasaglar: 'insulin glargine',
  semglee: 'insulin glargine',
  toujeo: 'insulin glargine',
  levemir: 'insulin detemir',
  tresiba: 'insulin degludec',
  novorapid: 'insulin aspart',
  humalog: 'insulin lispro',
  flixotide: 'fluticasone propionate',
  daktarin: 'miconazole',
  microgynon: 'levonorgestrel with ethinylestradiol',
  oramorph: 'morphine',
  zomorph: 'morphine',
  oxycontin: 'oxycodone',
};

/**
 * The generic drug a brand is, by its dm+d code or its name's first word; undefined for a
 * generic (VMP) name or a brand this data does not know.
 */
export function genericOfBrand(code: string | undefined, name: string): string | undefined {
  if (code !== undefined && AMP_GENERICS[code] !== undefined) return AMP_GENERICS[code];
  const first = /^[a-z-]+/.exec(name.trim().toLowerCase())?.[0];
  return first === undefined ? undefined : BRAND_GENERICS[first];
}
