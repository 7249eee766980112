/**
 * @module Curated dm+d medicines (VMPs, and a few AMPs) with typical dosage and pack, and the conditions they treat.
 * Codes and names are real dm+d concepts, most seen in the real GP Connect supplier payloads.
 */
import type { Concept } from './clinical-codes.ts';

export interface Medicine {
  readonly key: string;
  readonly concept: Concept;
  readonly kind: 'VMP' | 'AMP';
  readonly dosage: string;
  readonly quantity: number;
  readonly unit: string;
  readonly supplyDays: number;
}

function vmp(key: string, code: string, display: string, dosage: string, quantity: number, unit: string): Medicine {
  return { key, concept: { code, display }, kind: 'VMP', dosage, quantity, unit, supplyDays: 28 };
}
function amp(key: string, code: string, display: string, dosage: string, quantity: number, unit: string): Medicine {
  return { key, concept: { code, display }, kind: 'AMP', dosage, quantity, unit, supplyDays: 28 };
}

export const MEDICINES = {
  amlodipine5: vmp('amlodipine5', '319283006', 'Amlodipine 5mg tablets', 'One tablet once a day', 28, 'tablet'),
  amlodipine10: vmp('amlodipine10', '319284000', 'Amlodipine 10mg tablets', 'One tablet once a day', 28, 'tablet'),
  ramipril10: vmp('ramipril10', '408052000', 'Ramipril 10mg tablets', 'One tablet once a day', 28, 'tablet'),
  bendroflumethiazide: vmp('bendroflumethiazide', '42206611000001103', 'Bendroflumethiazide 2.5mg tablets', 'One tablet each morning', 28, 'tablet'),
  metformin: vmp('metformin', '325278007', 'Metformin 500mg tablets', 'One tablet twice a day with food', 56, 'tablet'),
  gliclazide: vmp('gliclazide', '325242002', 'Gliclazide 80mg tablets', 'One tablet twice a day with meals', 56, 'tablet'),
  atorvastatin: vmp('atorvastatin', '320030001', 'Atorvastatin 20mg tablets', 'One tablet at night', 28, 'tablet'),
  simvastatin: vmp('simvastatin', '319996000', 'Simvastatin 10mg tablets', 'One tablet at night', 28, 'tablet'),
  bisoprolol: vmp('bisoprolol', '318591005', 'Bisoprolol 10mg tablets', 'One tablet once a day', 28, 'tablet'),
  furosemide: vmp('furosemide', '317972000', 'Furosemide 40mg tablets', 'One tablet each morning', 28, 'tablet'),
  apixaban: vmp('apixaban', '42206511000001102', 'Apixaban 5mg tablets', 'One tablet twice a day', 56, 'tablet'),
  salbutamol: vmp('salbutamol', '39113611000001102', 'Salbutamol 100micrograms/dose inhaler CFC free', 'Two puffs when required', 1, 'inhaler'),
  citalopram: vmp('citalopram', '321987003', 'Citalopram 20mg tablets', 'One tablet once a day', 28, 'tablet'),
  sertraline: vmp('sertraline', '9751511000001104', 'Sertraline 100mg tablets', 'One tablet once a day', 28, 'tablet'),
  paracetamol: vmp('paracetamol', '322236009', 'Paracetamol 500mg tablets', 'Two tablets up to four times a day when required', 100, 'tablet'),
  amoxicillin: vmp('amoxicillin', '323509004', 'Amoxicillin 250mg capsules', 'One capsule three times a day', 21, 'capsule'),
  erythromycin: vmp('erythromycin', '324179001', 'Erythromycin ethyl succinate 500mg tablets', 'One tablet four times a day', 28, 'tablet'),
  levocetirizine: vmp('levocetirizine', '42192511000001103', 'Levocetirizine 5mg tablets', 'One tablet once a day', 30, 'tablet'),
  cromoglicate: vmp('cromoglicate', '330507008', 'Sodium cromoglicate 2% eye drops', 'One drop in each eye four times a day', 13.5, 'ml'),
  flixotide: amp('flixotide', '3184311000001107', 'Flixotide 100micrograms/dose Accuhaler (GlaxoSmithKline UK Ltd)', 'One puff twice a day', 1, 'inhaler'),
  lantus: amp('lantus', '11933011000001106', 'Lantus 100units/ml solution for injection 3ml pre-filled SoloStar pens (Sanofi)', 'Inject 10 units at night', 5, 'pre-filled disposable injection'),
  daktarin: amp('daktarin', '3779411000001103', 'Daktarin 2% powder (McNeil Products Ltd)', 'Apply twice a day', 20, 'gram'),
  microgynon: amp('microgynon', '42111000001107', 'Microgynon 30 tablets (Bayer Plc)', 'One tablet daily for 21 days then 7 day break', 63, 'tablet'),
} as const satisfies Record<string, Medicine>;

export type MedicineKey = keyof typeof MEDICINES;

/** The repeat medicines usually prescribed for a condition (keyed by the condition's SNOMED code). */
export const TREATMENTS: Readonly<Record<string, readonly MedicineKey[]>> = {
  '38341003': ['amlodipine5', 'ramipril10', 'bendroflumethiazide'],
  '44054006': ['metformin', 'gliclazide', 'atorvastatin'],
  '195967001': ['salbutamol', 'flixotide'],
  '13645005': ['salbutamol'],
  '49436004': ['apixaban', 'bisoprolol'],
  '84114007': ['furosemide', 'bisoprolol', 'ramipril10'],
  '35489007': ['sertraline'],
  '197480006': ['citalopram'],
  '396275006': ['paracetamol'],
  '55822004': ['simvastatin'],
};

/** Short courses given as acute prescriptions. */
export const ACUTE_MEDICINES: readonly MedicineKey[] = ['amoxicillin', 'erythromycin', 'levocetirizine', 'cromoglicate', 'daktarin'];
