// The directory search, one mode per tab (management-centre guide §4): legal name (+ département),
// SIRET, NAF activity, phone or fax, address, service (+ département). Every mode pages its results
// 25 at a time, ordered by name unless another column is chosen (RESULT_SORT).
import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { SortDir, SortSpec } from '../../http/pages.js';
import { pager } from '../../http/pagination.js';
import { NAF_SECTIONS, normalizeName } from './identifiers.js';
import type { SearchInput } from './organisations.schemas.js';

/** The columns of the results table. */
export const RESULT_SELECT = {
  id: true,
  legalName: true,
  siret: true,
  addressLine1: true,
  addressLine2: true,
  postalCode: true,
  city: true,
  country: true,
  partnership: true,
  verified: true,
} as const satisfies Prisma.OrganisationSelect;

export type ResultRow = Prisma.OrganisationGetPayload<{ select: typeof RESULT_SELECT }>;

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The digits a phone search compares: those typed, or their last nine when longer, so that
 * "+33 4 73 11 22 33" and "04 73 11 22 33" find each other (a French number without its 0 or
 * its +33 has nine digits).
 */
export function phoneSearchDigits(typed: string): string {
  const d = typed.replace(/\D/g, '');
  return d.length > 9 ? d.slice(-9) : d;
}

/** The Prisma filter of every mode but the address (which folds accents in SQL). */
export function whereFor(input: Exclude<SearchInput, { mode: 'address' }>): Prisma.OrganisationWhereInput {
  switch (input.mode) {
    case 'name':
      return { normalizedName: { contains: normalizeName(input.name) }, ...(input.department ? { department: input.department } : {}) };
    case 'siret':
      return { siret: input.siret };
    case 'activity': {
      const and: Prisma.OrganisationWhereInput[] = [];
      const section = NAF_SECTIONS.find((s) => s.code === input.section);
      // "NN.NNL" codes sort as text: a section is the range of its divisions.
      if (section) and.push({ nafCode: { gte: pad2(section.from), lte: `${pad2(section.to)}.99Z` } });
      if (input.division) and.push({ nafCode: { startsWith: `${input.division}.` } });
      if (input.nafClass) and.push({ nafCode: { startsWith: input.nafClass } });
      return { AND: and };
    }
    case 'phone': {
      const digits = phoneSearchDigits(input.phone);
      return { OR: [{ phoneDigits: { endsWith: digits } }, { faxDigits: { endsWith: digits } }] };
    }
    case 'service': {
      const name = normalizeName(input.service);
      const where: Prisma.OrganisationWhereInput = { services: { some: { normalizedName: { contains: name } } } };
      if (!input.department) return where;
      // The service's own address, or (at the organisation's address) the organisation's.
      return {
        OR: [
          { services: { some: { normalizedName: { contains: name }, sameAddress: false, department: input.department } } },
          { department: input.department, services: { some: { normalizedName: { contains: name }, sameAddress: true } } },
        ],
      };
    }
  }
}

// Accents folded in SQL as normalizeName() folds them in JavaScript: stages_fold() (offer_fulltext
// migration) maps accented letters and lowers the case, then anything but a-z0-9 becomes one space.
const folded = (column: string) => Prisma.sql`btrim(regexp_replace(stages_fold(${Prisma.raw(`"${column}"`)}), '[^a-z0-9]+', ' ', 'g'))`;
const contains = (column: string, typed: string) => Prisma.sql`${folded(column)} LIKE ${'%' + normalizeName(typed) + '%'}`;

function addressConditions(input: Extract<SearchInput, { mode: 'address' }>): Prisma.Sql[] {
  const conds: Prisma.Sql[] = [];
  if (input.street) conds.push(contains('addressLine1', input.street));
  if (input.complement) conds.push(contains('addressLine2', input.complement));
  if (input.city) conds.push(contains('city', input.city));
  // Two or three characters: a département; five digits: a postal code.
  if (input.place) conds.push(/^\d{5}$/.test(input.place) ? Prisma.sql`"postalCode" = ${input.place}` : Prisma.sql`"department" = ${input.place}`);
  if (input.country) conds.push(Prisma.sql`"country" = ${input.country}`);
  return conds;
}

/** A column of the results' order: both forms of the search (Prisma and SQL) read it. */
type OrderColumn = { column: 'normalizedName' | 'postalCode' | 'city' | 'country' | 'id'; dir: SortDir };

/** The results' sortable columns (?sort=&dir=); by name by default. SIRET is an identifier, not an order. */
export const RESULT_SORT: SortSpec<'name' | 'postalCode' | 'city' | 'country', OrderColumn> = {
  columns: {
    name: (dir) => [{ column: 'normalizedName', dir }],
    postalCode: (dir) => [{ column: 'postalCode', dir }],
    city: (dir) => [{ column: 'city', dir }],
    country: (dir) => [{ column: 'country', dir }],
  },
  tieBreaker: (dir) => ({ column: 'id', dir }),
  default: { column: 'name', dir: 'asc' },
};
const BY_NAME: OrderColumn[] = [{ column: 'normalizedName', dir: 'asc' }, { column: 'id', dir: 'asc' }];

export async function searchOrganisations(db: DbOrTx, input: SearchInput, page: number, order: OrderColumn[] = BY_NAME) {
  if (input.mode === 'address') {
    const orderBy = Prisma.join(order.map((o) => Prisma.raw(`"${o.column}" ${o.dir === 'desc' ? 'DESC' : 'ASC'}`)), ', ');
    const where = Prisma.join(addressConditions(input), ' AND ');
    const [{ n }] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Organisation" WHERE ${where}`;
    const p = pager(page, n);
    const ids = (await db.$queryRaw<{ id: number }[]>`SELECT id FROM "Organisation" WHERE ${where} ORDER BY ${orderBy} LIMIT ${p.size} OFFSET ${p.skip}`).map((r) => r.id);
    const rows = await db.organisation.findMany({ where: { id: { in: ids } }, select: RESULT_SELECT });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { items: ids.map((id) => byId.get(id)).filter((r): r is ResultRow => !!r), pager: p };
  }
  const where = whereFor(input);
  const total = await db.organisation.count({ where });
  const p = pager(page, total);
  const items = await db.organisation.findMany({ where, orderBy: order.map((o) => ({ [o.column]: o.dir })), skip: p.skip, take: p.size, select: RESULT_SELECT });
  return { items, pager: p };
}
