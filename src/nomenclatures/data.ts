// Every nomenclature, by group (one file each). Printed nomenclatures (what an agreement shows) carry the
// five document languages, the others the two interface languages: the types and a parity test check it.
import { COUNTRY } from './countries.js';
import { INTERNSHIPS } from './internships.js';
import { ORGANISATIONS } from './organisations.js';
import { PEOPLE } from './people.js';
import type { NomenclatureData } from './types.js';

export const DATA = {
  ...PEOPLE,
  ...ORGANISATIONS,
  ...INTERNSHIPS,
  country: COUNTRY,
} satisfies Record<string, NomenclatureData>;
