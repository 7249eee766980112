/**
 * @module The WHO Child Growth Standards as LMS data, by completed month from birth to 24 months,
 * boys and girls: weight-for-age, length-for-age (recumbent length) and head circumference-for-age.
 * The UK-WHO growth charts (RCPCH, 2009) use exactly these WHO standards from 2 weeks to 4 years;
 * the UK-WHO chart's first fortnight (UK90 birth data) and ages past 24 months are not shipped.
 *
 * Source: WHO Multicentre Growth Reference Study Group (2006), "WHO Child Growth Standards:
 * length/height-for-age, weight-for-age, weight-for-length, weight-for-height and body mass
 * index-for-age: methods and development" and "head circumference-for-age … methods and
 * development" (2007), World Health Organization, Geneva; the monthly L, M and S values as the
 * US Centers for Disease Control and Prevention redistribute them in "WHO Growth Charts Data
 * files" (https://www.cdc.gov/growthcharts/who-data-files.htm): WHO-Boys-Weight-for-age-
 * Percentiles.csv, WHO-Girls-Weight-for-age Percentiles.csv, WHO-Boys-Length-for-age-
 * Percentiles.csv, WHO-Girls-Length-for-age-Percentiles.csv, WHO-Boys-Head-Circumference-for-age-
 * Percentiles.csv, WHO-Girls-Head-Circumference-for-age-Percentiles.csv (columns Month, L, M, S;
 * their percentile columns are what test/web/growth-centiles.test.ts checks our arithmetic
 * against). Terms: the CDC files are a work of the US federal government, in the public domain
 * (citation appreciated); the standards themselves are © World Health Organization 2006, published
 * by WHO for free use in assessing children's growth, with attribution to the WHO MGRS as above.
 * These are numbers, not code; nothing else was taken from where they were found.
 */

/** One month's LMS: L the Box-Cox power, M the median, S the coefficient of variation. */
export type LmsRow = readonly [month: number, l: number, m: number, s: number];

export type GrowthMeasure = 'weight' | 'length' | 'head';
export type GrowthSex = 'male' | 'female';

/** Boys' weight-for-age (kg). */
const WEIGHT_MALE: readonly LmsRow[] = [
  [0, 0.3487, 3.3464, 0.14602],
  [1, 0.2297, 4.4709, 0.13395],
  [2, 0.197, 5.5675, 0.12385],
  [3, 0.1738, 6.3762, 0.11727],
  [4, 0.1553, 7.0023, 0.11316],
  [5, 0.1395, 7.5105, 0.1108],
  [6, 0.1257, 7.934, 0.10958],
  [7, 0.1134, 8.297, 0.10902],
  [8, 0.1021, 8.6151, 0.10882],
  [9, 0.0917, 8.9014, 0.10881],
  [10, 0.082, 9.1649, 0.10891],
  [11, 0.073, 9.4122, 0.10906],
  [12, 0.0644, 9.6479, 0.10925],
  [13, 0.0563, 9.8749, 0.10949],
  [14, 0.0487, 10.0953, 0.10976],
  [15, 0.0413, 10.3108, 0.11007],
  [16, 0.0343, 10.5228, 0.11041],
  [17, 0.0275, 10.7319, 0.11079],
  [18, 0.0211, 10.9385, 0.11119],
  [19, 0.0148, 11.143, 0.11164],
  [20, 0.0087, 11.3462, 0.11211],
  [21, 0.0029, 11.5486, 0.11261],
  [22, -0.0028, 11.7504, 0.11314],
  [23, -0.0083, 11.9514, 0.11369],
  [24, -0.0137, 12.1515, 0.11426],
];

/** Girls' weight-for-age (kg). */
const WEIGHT_FEMALE: readonly LmsRow[] = [
  [0, 0.3809, 3.2322, 0.14171],
  [1, 0.1714, 4.1873, 0.13724],
  [2, 0.0962, 5.1282, 0.13],
  [3, 0.0402, 5.8458, 0.12619],
  [4, -0.005, 6.4237, 0.12402],
  [5, -0.043, 6.8985, 0.12274],
  [6, -0.0756, 7.297, 0.12204],
  [7, -0.1039, 7.6422, 0.12178],
  [8, -0.1288, 7.9487, 0.12181],
  [9, -0.1507, 8.2254, 0.12199],
  [10, -0.17, 8.48, 0.12223],
  [11, -0.1872, 8.7192, 0.12247],
  [12, -0.2024, 8.9481, 0.12268],
  [13, -0.2158, 9.1699, 0.12283],
  [14, -0.2278, 9.387, 0.12294],
  [15, -0.2384, 9.6008, 0.12299],
  [16, -0.2478, 9.8124, 0.12303],
  [17, -0.2562, 10.0226, 0.12306],
  [18, -0.2637, 10.2315, 0.12309],
  [19, -0.2703, 10.4393, 0.12315],
  [20, -0.2762, 10.6464, 0.12323],
  [21, -0.2815, 10.8534, 0.12335],
  [22, -0.2862, 11.0608, 0.1235],
  [23, -0.2903, 11.2688, 0.12369],
  [24, -0.2941, 11.4775, 0.1239],
];

/** Boys' length-for-age (cm, recumbent). */
const LENGTH_MALE: readonly LmsRow[] = [
  [0, 1, 49.8842, 0.03795],
  [1, 1, 54.7244, 0.03557],
  [2, 1, 58.4249, 0.03424],
  [3, 1, 61.4292, 0.03328],
  [4, 1, 63.886, 0.03257],
  [5, 1, 65.9026, 0.03204],
  [6, 1, 67.6236, 0.03165],
  [7, 1, 69.1645, 0.03139],
  [8, 1, 70.5994, 0.03124],
  [9, 1, 71.9687, 0.03117],
  [10, 1, 73.2812, 0.03118],
  [11, 1, 74.5388, 0.03125],
  [12, 1, 75.7488, 0.03137],
  [13, 1, 76.9186, 0.03154],
  [14, 1, 78.0497, 0.03174],
  [15, 1, 79.1458, 0.03197],
  [16, 1, 80.2113, 0.03222],
  [17, 1, 81.2487, 0.0325],
  [18, 1, 82.2587, 0.03279],
  [19, 1, 83.2418, 0.0331],
  [20, 1, 84.1996, 0.03342],
  [21, 1, 85.1348, 0.03376],
  [22, 1, 86.0477, 0.0341],
  [23, 1, 86.941, 0.03445],
  [24, 1, 87.8161, 0.03479],
];

/** Girls' length-for-age (cm, recumbent). */
const LENGTH_FEMALE: readonly LmsRow[] = [
  [0, 1, 49.1477, 0.0379],
  [1, 1, 53.6872, 0.0364],
  [2, 1, 57.0673, 0.03568],
  [3, 1, 59.8029, 0.0352],
  [4, 1, 62.0899, 0.03486],
  [5, 1, 64.0301, 0.03463],
  [6, 1, 65.7311, 0.03448],
  [7, 1, 67.2873, 0.03441],
  [8, 1, 68.7498, 0.0344],
  [9, 1, 70.1435, 0.03444],
  [10, 1, 71.4818, 0.03452],
  [11, 1, 72.771, 0.03464],
  [12, 1, 74.015, 0.03479],
  [13, 1, 75.2176, 0.03496],
  [14, 1, 76.3817, 0.03514],
  [15, 1, 77.5099, 0.03534],
  [16, 1, 78.6055, 0.03555],
  [17, 1, 79.671, 0.03576],
  [18, 1, 80.7079, 0.03598],
  [19, 1, 81.7182, 0.0362],
  [20, 1, 82.7036, 0.03643],
  [21, 1, 83.6654, 0.03666],
  [22, 1, 84.604, 0.03688],
  [23, 1, 85.5202, 0.03711],
  [24, 1, 86.4153, 0.03734],
];

/** Boys' head circumference-for-age (cm). */
const HEAD_MALE: readonly LmsRow[] = [
  [0, 1, 34.4618, 0.03686],
  [1, 1, 37.2759, 0.03133],
  [2, 1, 39.1285, 0.02997],
  [3, 1, 40.5135, 0.02918],
  [4, 1, 41.6317, 0.02868],
  [5, 1, 42.5576, 0.02837],
  [6, 1, 43.3306, 0.02817],
  [7, 1, 43.9803, 0.02804],
  [8, 1, 44.53, 0.02796],
  [9, 1, 44.9998, 0.02792],
  [10, 1, 45.4051, 0.0279],
  [11, 1, 45.7573, 0.02789],
  [12, 1, 46.0661, 0.02789],
  [13, 1, 46.3395, 0.02789],
  [14, 1, 46.5844, 0.02791],
  [15, 1, 46.806, 0.02792],
  [16, 1, 47.0088, 0.02795],
  [17, 1, 47.1962, 0.02797],
  [18, 1, 47.3711, 0.028],
  [19, 1, 47.5357, 0.02803],
  [20, 1, 47.6919, 0.02806],
  [21, 1, 47.8408, 0.0281],
  [22, 1, 47.9833, 0.02813],
  [23, 1, 48.1201, 0.02817],
  [24, 1, 48.2515, 0.02821],
];

/** Girls' head circumference-for-age (cm). */
const HEAD_FEMALE: readonly LmsRow[] = [
  [0, 1, 33.8787, 0.03496],
  [1, 1, 36.5463, 0.0321],
  [2, 1, 38.2521, 0.03168],
  [3, 1, 39.5328, 0.0314],
  [4, 1, 40.5817, 0.03119],
  [5, 1, 41.459, 0.03102],
  [6, 1, 42.1995, 0.03087],
  [7, 1, 42.829, 0.03075],
  [8, 1, 43.3671, 0.03063],
  [9, 1, 43.83, 0.03053],
  [10, 1, 44.2319, 0.03044],
  [11, 1, 44.5844, 0.03035],
  [12, 1, 44.8965, 0.03027],
  [13, 1, 45.1752, 0.03019],
  [14, 1, 45.4265, 0.03012],
  [15, 1, 45.6551, 0.03006],
  [16, 1, 45.865, 0.02999],
  [17, 1, 46.0598, 0.02993],
  [18, 1, 46.2424, 0.02987],
  [19, 1, 46.4152, 0.02982],
  [20, 1, 46.5801, 0.02977],
  [21, 1, 46.7384, 0.02972],
  [22, 1, 46.8913, 0.02967],
  [23, 1, 47.0391, 0.02962],
  [24, 1, 47.1822, 0.02957],
];

/** The table for one measure and sex, birth to 24 months by month. */
export const WHO_LMS: Readonly<
  Record<GrowthMeasure, Readonly<Record<GrowthSex, readonly LmsRow[]>>>
> = {
  weight: { male: WEIGHT_MALE, female: WEIGHT_FEMALE },
  length: { male: LENGTH_MALE, female: LENGTH_FEMALE },
  head: { male: HEAD_MALE, female: HEAD_FEMALE },
};

/** The last month the shipped tables cover. */
export const LMS_LAST_MONTH = 24;
