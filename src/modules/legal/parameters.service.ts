import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { notFound, ValidationError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { DEFAULT_COUNTRY } from '../../legal/rules.js';
import { PARAMETER_KEYS, type ParameterKey, type ParameterRow } from '../../legal/types.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import { PARAMETER_KEY_LIST, type ParameterCorrectionInput, type ParameterCreateInput } from './parameters.schemas.js';

const isKey = (k: string): k is ParameterKey => Object.hasOwn(PARAMETER_KEYS, k);

/**
 * The rows the engine reads: every row not superseded by a correction, all countries and dates
 * (the engine picks the ones in force). One indexed read of a few dozen rows per computation; not
 * cached in the process, so that a change made on another instance applies at once everywhere.
 */
export async function loadParameters(db: DbOrTx): Promise<ParameterRow[]> {
  const rows = await db.legalParameter.findMany({
    where: { supersededAt: null },
    select: { country: true, key: true, value: true, currency: true, validFrom: true },
    orderBy: [{ country: 'asc' }, { key: 'asc' }, { validFrom: 'asc' }],
  });
  // A key the code no longer knows is left out rather than handed to the engine.
  return rows.filter((r) => isKey(r.key)).map((r) => ({ country: r.country, key: r.key as ParameterKey, value: r.value.toNumber(), currency: r.currency, validFrom: CalendarDate.fromDb(r.validFrom) }));
}

const rowSelect = {
  id: true,
  country: true,
  key: true,
  value: true,
  currency: true,
  validFrom: true,
  createdAt: true,
  supersededAt: true,
  correctionOfId: true,
  createdBy: { select: { firstName: true, lastName: true } },
} satisfies Prisma.LegalParameterSelect;
type DbRow = Prisma.LegalParameterGetPayload<{ select: typeof rowSelect }>;

/** Where a row stands today: the figure in force, one to come, one a later row replaced, or one a correction superseded. */
export type ParameterStatus = 'IN_FORCE' | 'UPCOMING' | 'PAST' | 'SUPERSEDED';

export interface ParameterView {
  id: number;
  country: string;
  key: string;
  value: number;
  currency: string | null;
  validFrom: CalendarDate;
  /** The last day a row holds before the next current row of its key takes over (null: no later row). */
  until: CalendarDate | null;
  createdAt: Date;
  createdBy: string | null;
  supersededAt: Date | null;
  correctionOfId: number | null;
  status: ParameterStatus;
}

export interface CountryParameters {
  country: string;
  rows: ParameterView[];
}

interface Standing {
  status: ParameterStatus;
  until: CalendarDate | null;
}

const present = (r: DbRow, { status, until }: Standing): ParameterView => ({
  ...r,
  value: r.value.toNumber(),
  validFrom: CalendarDate.fromDb(r.validFrom),
  createdBy: r.createdBy ? `${r.createdBy.firstName} ${r.createdBy.lastName}` : null,
  status,
  until,
});

/** Where each row of one country and key stands on `today` (rows sorted by validFrom). */
function standingsOf(rows: DbRow[], today: string): Map<number, Standing> {
  const out = new Map<number, Standing>();
  const current = rows.filter((r) => !r.supersededAt);
  const from = (r: DbRow) => CalendarDate.fromDb(r.validFrom);
  const inForce = current.filter((r) => from(r).toString() <= today).at(-1);
  for (const r of rows) {
    const next = r.supersededAt ? undefined : current.find((c) => from(c).isAfter(from(r)));
    const until = next ? from(next).addDays(-1) : null;
    if (r.supersededAt) out.set(r.id, { status: 'SUPERSEDED', until: null });
    else if (r === inForce) out.set(r.id, { status: 'IN_FORCE', until });
    else out.set(r.id, { status: from(r).toString() > today ? 'UPCOMING' : 'PAST', until });
  }
  return out;
}

// One change at a time: the duplicate check and the write cannot interleave with another
// administrator's (two tabs adding the same 2027 rate would otherwise both pass the check).
const lock = (tx: Tx) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('stages.legalParameters'))`;

/**
 * The dated parameter table of the legal rules, as the platform administrator edits it. It is
 * append-only: a new figure is a new row (a rate for 2027), a correction marks the wrong row
 * superseded and writes the right one beside it, in one transaction with its audit row. Nothing
 * is ever updated in place or deleted, so every figure's history stays readable.
 */
export class LegalParameterService extends Service {
  /** Every row, by country ('*' first, then by code), each country's rows by key then date, with their status today. */
  async overview(now: Date): Promise<CountryParameters[]> {
    const rows = await this.db.legalParameter.findMany({ select: rowSelect, orderBy: [{ country: 'asc' }, { key: 'asc' }, { validFrom: 'asc' }, { id: 'asc' }] });
    const today = todayIn(now).toString();
    const keyOrder = (k: string) => (isKey(k) ? PARAMETER_KEY_LIST.indexOf(k) : PARAMETER_KEY_LIST.length);
    const byCountry = new Map<string, DbRow[]>();
    for (const r of rows) byCountry.set(r.country, [...(byCountry.get(r.country) ?? []), r]);
    const countries = [...byCountry.keys()].sort((a, b) => (a === DEFAULT_COUNTRY ? -1 : b === DEFAULT_COUNTRY ? 1 : a.localeCompare(b)));
    return countries.map((country) => {
      const list = byCountry.get(country)!;
      const standings = new Map<number, Standing>();
      for (const key of new Set(list.map((r) => r.key))) for (const [id, s] of standingsOf(list.filter((r) => r.key === key), today)) standings.set(id, s);
      const sorted = [...list].sort((a, b) => keyOrder(a.key) - keyOrder(b.key) || a.validFrom.getTime() - b.validFrom.getTime() || a.id - b.id);
      return { country, rows: sorted.map((r) => present(r, standings.get(r.id)!)) };
    });
  }

  /** One row, for its correction form: 404 when there is none. */
  async get(id: number) {
    const row = await this.db.legalParameter.findUnique({ where: { id }, select: rowSelect });
    if (!row || !isKey(row.key)) throw notFound();
    return { id: row.id, country: row.country, key: row.key as ParameterKey, value: row.value.toNumber(), currency: row.currency, validFrom: CalendarDate.fromDb(row.validFrom), superseded: row.supersededAt !== null };
  }

  /** A new figure from a date. A figure already stated for that country, key and day is refused: correct it instead. */
  async add(act: Act, input: ParameterCreateInput) {
    return this.db.$transaction(async (tx) => {
      await lock(tx);
      await refuseDuplicate(tx, input.country, input.key, input.validFrom, null);
      const created = await tx.legalParameter.create({ data: { ...rowData(input), country: input.country, key: input.key, createdById: act.actor.id }, select: { id: true } });
      await audit(tx, { actorId: act.actor.id, action: 'legalParameter.create', entityType: 'LegalParameter', entityId: created.id, after: snapshot({ ...input }), requestId: act.requestId });
      return created;
    });
  }

  /** Replaces a wrong row: it is kept, marked superseded, and the right one is written with a link to it. */
  async correct(act: Act, id: number, input: ParameterCorrectionInput) {
    return this.db.$transaction(async (tx) => {
      await lock(tx);
      const old = await tx.legalParameter.findUnique({ where: { id }, select: rowSelect });
      if (!old || !isKey(old.key)) throw notFound();
      // Corrected meanwhile (another tab, another administrator): the form showed a figure that is no longer the current one.
      if (old.supersededAt) throw new ValidationError({ _form: 'legal.parameters.errors.superseded' });
      await refuseDuplicate(tx, old.country, old.key, input.validFrom, id);
      await tx.legalParameter.update({ where: { id }, data: { supersededAt: act.now } });
      const created = await tx.legalParameter.create({ data: { ...rowData(input), country: old.country, key: old.key, createdById: act.actor.id, correctionOfId: id }, select: { id: true } });
      const before = snapshot({ country: old.country, key: old.key, value: old.value.toNumber(), currency: old.currency, validFrom: CalendarDate.fromDb(old.validFrom) });
      await audit(tx, { actorId: act.actor.id, action: 'legalParameter.correct', entityType: 'LegalParameter', entityId: created.id, before: { id, ...before }, after: snapshot({ country: old.country, key: old.key, ...input }), requestId: act.requestId });
      return created;
    });
  }
}

const rowData = (input: { value: number; currency: string | null; validFrom: CalendarDate }) => ({ value: input.value, currency: input.currency, validFrom: input.validFrom.toDb() });

const snapshot = (r: { country: string; key: string; value: number; currency: string | null; validFrom: CalendarDate }) => ({ country: r.country, key: r.key, value: r.value, currency: r.currency, validFrom: r.validFrom.toString() });

async function refuseDuplicate(tx: Tx, country: string, key: string, validFrom: CalendarDate, except: number | null) {
  const same = await tx.legalParameter.findFirst({ where: { country, key, validFrom: validFrom.toDb(), supersededAt: null, ...(except ? { id: { not: except } } : {}) }, select: { id: true } });
  if (same) throw new ValidationError({ validFrom: 'legal.parameters.errors.duplicate' });
}
