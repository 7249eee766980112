/** @module Curated UK towns with real postcode districts and street names, for synthetic addresses. */

export interface Town {
  readonly town: string;
  readonly county: string;
  /** Real outward codes (postcode districts) in the town. */
  readonly districts: readonly string[];
  /** The dialling code for landlines in the town. */
  readonly areaCode: string;
}

export const TOWNS: readonly Town[] = [
  { town: 'Leeds', county: 'West Yorkshire', districts: ['LS6', 'LS7', 'LS8', 'LS11', 'LS17'], areaCode: '0113' },
  { town: 'Bradford', county: 'West Yorkshire', districts: ['BD3', 'BD5', 'BD9', 'BD10'], areaCode: '01274' },
  { town: 'Wakefield', county: 'West Yorkshire', districts: ['WF1', 'WF2', 'WF4'], areaCode: '01924' },
  { town: 'Harrogate', county: 'North Yorkshire', districts: ['HG1', 'HG2', 'HG3'], areaCode: '01423' },
  { town: 'York', county: 'North Yorkshire', districts: ['YO10', 'YO24', 'YO31'], areaCode: '01904' },
  { town: 'Huddersfield', county: 'West Yorkshire', districts: ['HD1', 'HD2', 'HD5'], areaCode: '01484' },
  { town: 'Halifax', county: 'West Yorkshire', districts: ['HX1', 'HX2', 'HX3'], areaCode: '01422' },
];

export const STREET_NAMES = [
  'Park Avenue', 'Church Lane', 'Station Road', 'Victoria Street', 'Moorland Road', 'Manor Drive',
  'Highfield Road', 'Queens Road', 'Mill Lane', 'The Crescent', 'Kings Road', 'Westfield Avenue',
  'Oak Tree Close', 'Riverside Walk', 'Grange Road', 'Beech Grove', 'Chapel Street', 'Springfield Road',
  'Hawthorn Way', 'Valley Road', 'School Lane', 'Orchard Close', 'North Parade', 'Albert Terrace',
] as const;

/** Letters allowed in the inward code's last two positions (no C, I, K, M, O, V). */
export const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
