/**
 * @module The therapeutic classes in which two medicines at once may be a dangerous duplication,
 * as data: each class's BNF chapter/paragraph, its ingredients (generic names, and the brands
 * that hide them) and the curated dm+d codes the project ships for it.
 *
 * Source: British National Formulary (BNF) legacy chapter structure, as used by the NHS BSA
 * prescribing data: 1.3.5 proton pump inhibitors, 2.8.2 oral anticoagulants, 2.9 antiplatelet
 * drugs, 2.5.5.1 ACE inhibitors, 2.5.5.2 angiotensin-II receptor antagonists, 2.12 lipid-regulating
 * drugs (statins), 4.7.2 opioid analgesics, 6.1.1 insulins. ACE inhibitors and ARBs are one class
 * here because combining them (dual RAS blockade) is itself a warned-against duplication (MHRA 2014).
 * The dm+d codes are the VMPs/AMPs of sim/population/data/medicines.ts that fall in a class.
 */

/** One class of medicines in which taking two at once is worth a clinician's check. */
export interface MedicineClass {
  /** Stable id sent as the reconciliation line's `class`. */
  readonly id: string;
  /** Plain words for the class, used in notes. */
  readonly name: string;
  /** The BNF chapter/paragraph the class follows. */
  readonly bnf: string;
  /** Lower-case generic names and brand names; matched as whole words in the medicine's name. */
  readonly ingredients: readonly string[];
  /** dm+d concept ids (VMP, VTM or AMP) known to be in the class. */
  readonly codes: readonly string[];
}

export const MEDICINE_CLASSES: readonly MedicineClass[] = [
  {
    id: 'statins',
    name: 'statins',
    bnf: '2.12',
    ingredients: [
      'atorvastatin',
      'simvastatin',
      'pravastatin',
      'rosuvastatin',
      'fluvastatin',
      'lipitor',
      'crestor',
      'zocor',
    ],
    codes: ['320030001', '319996000'],
  },
  {
    id: 'anticoagulants',
    name: 'oral anticoagulants',
    bnf: '2.8.2',
    ingredients: [
      'warfarin',
      'apixaban',
      'rivaroxaban',
      'edoxaban',
      'dabigatran',
      'acenocoumarol',
      'phenindione',
      'eliquis',
      'xarelto',
      'lixiana',
      'pradaxa',
    ],
    codes: ['42206511000001102'],
  },
  {
    id: 'antiplatelets',
    name: 'antiplatelet drugs',
    bnf: '2.9',
    ingredients: [
      'aspirin',
      'clopidogrel',
      'prasugrel',
      'ticagrelor',
      'dipyridamole',
      'brilique',
      'plavix',
    ],
    codes: [],
  },
  {
    id: 'ace-inhibitors-arbs',
    name: 'ACE inhibitors and angiotensin-II receptor blockers',
    bnf: '2.5.5',
    ingredients: [
      'ramipril',
      'lisinopril',
      'perindopril',
      'enalapril',
      'captopril',
      'trandolapril',
      'quinapril',
      'fosinopril',
      'imidapril',
      'losartan',
      'candesartan',
      'irbesartan',
      'valsartan',
      'olmesartan',
      'telmisartan',
      'eprosartan',
      'azilsartan',
      'sacubitril',
    ],
    codes: ['408052000'],
  },
  {
    id: 'opioids',
    name: 'opioid analgesics',
    bnf: '4.7.2',
    ingredients: [
      'morphine',
      'oxycodone',
      'codeine',
      'dihydrocodeine',
      'tramadol',
      'tapentadol',
      'fentanyl',
      'buprenorphine',
      'hydromorphone',
      'methadone',
      'diamorphine',
      'pethidine',
      'co-codamol',
      'co-dydramol',
      'oramorph',
      'zomorph',
      'oxycontin',
      'butec',
    ],
    codes: [],
  },
  {
    id: 'proton-pump-inhibitors',
    name: 'proton pump inhibitors',
    bnf: '1.3.5',
    ingredients: [
      'omeprazole',
      'lansoprazole',
      'esomeprazole',
      'pantoprazole',
      'rabeprazole',
      'nexium',
      'losec',
    ],
    codes: [],
  },
  {
    id: 'insulins',
    name: 'insulins',
    bnf: '6.1.1',
    ingredients: [
      'insulin',
      'lantus',
      'levemir',
      'tresiba',
      'toujeo',
      'abasaglar',
      'semglee',
      'humulin',
      'humalog',
      'novorapid',
      'novomix',
      'apidra',
      'fiasp',
      'insulatard',
      'actrapid',
    ],
    codes: ['11933011000001106'],
  },
];

/** Regular-expression characters, escaped where an ingredient's name holds one. */
function escaped(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Each class's ingredients as one whole-word pattern, compiled once (not per medicine). */
const INGREDIENT_PATTERNS = new Map<MedicineClass, RegExp>(
  MEDICINE_CLASSES.map((medicineClass) => [
    medicineClass,
    new RegExp(`(^|[^a-z-])(?:${medicineClass.ingredients.map(escaped).join('|')})($|[^a-z-])`),
  ]),
);

/** The classes a medicine falls in, by its dm+d code or a whole-word ingredient in its name. */
export function classesOf(code: string | undefined, name: string): MedicineClass[] {
  const words = name.toLowerCase();
  return MEDICINE_CLASSES.filter(
    (medicineClass) =>
      (code !== undefined && medicineClass.codes.includes(code)) ||
      (INGREDIENT_PATTERNS.get(medicineClass)?.test(words) ?? false),
  );
}
