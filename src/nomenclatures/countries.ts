// Countries: the ISO 3166-1 alpha-2 codes (what the database stores), named by ICU in each document
// language, so the names follow CLDR (and Node's updates) instead of a list of our own to maintain.
import { DOC_LOCALES, type DocLocale, type NomenclatureData, type PrintedLabels } from './types.js';

// Every officially assigned code, by initial letter (249 codes; user-assigned ones such as XK are left out).
const CODES = [
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ',
  'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ',
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ',
  'DE DJ DK DM DO DZ',
  'EC EE EG EH ER ES ET',
  'FI FJ FK FM FO FR',
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY',
  'HK HM HN HR HT HU',
  'ID IE IL IM IN IO IQ IR IS IT',
  'JE JM JO JP',
  'KE KG KH KI KM KN KP KR KW KY KZ',
  'LA LB LC LI LK LR LS LT LU LV LY',
  'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ',
  'NA NC NE NF NG NI NL NO NP NR NU NZ',
  'OM',
  'PA PE PF PG PH PK PL PM PN PR PS PT PW PY',
  'QA',
  'RE RO RS RU RW',
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ',
  'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ',
  'UA UG UM US UY UZ',
  'VA VC VE VG VI VN VU',
  'WF WS',
  'YE YT',
  'ZA ZM ZW',
]
  .join(' ')
  .split(' ');

// One DisplayNames per language, built once at load. A Node without full ICU would silently give English
// names for every language: refuse to start instead of printing an agreement in the wrong language.
function namesIn(locale: DocLocale): Intl.DisplayNames {
  const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
  if (names.resolvedOptions().locale !== locale) throw new Error(`country names: no ICU data for "${locale}" (Node without full ICU?)`);
  return names;
}
const NAMES = DOC_LOCALES.map((locale) => [locale, namesIn(locale)] as const);

const labels: Record<string, PrintedLabels> = Object.fromEntries(
  CODES.map((code) => [code, Object.fromEntries(NAMES.map(([locale, names]) => [locale, names.of(code) ?? code])) as PrintedLabels]),
);

export const COUNTRY = {
  enum: null,
  printed: true,
  // Forms list countries alphabetically in the reader's language, France first (most internships are there).
  optionsByLabel: { first: ['FR'] },
  labels,
} satisfies NomenclatureData;
