// A user's export columns (issue 13): their current choice and their named presets, one table
// (ExportPreset). The current choice is the row with the empty name: a preset's name is required,
// so the two never meet, the (userId, name) unique index keeps one current choice per user, and
// the chooser reads both in one query. Until a user chooses, the default built-in preset applies.
import type { Actor } from '../../../authz/actor.js';
import type { Db, DbOrTx } from '../../../db/client.js';
import { notFound, ValidationError } from '../../../errors.js';
import type { Fields } from '../../../http/input.js';
import { columnsOf, EXPORT_COLUMNS, isColumnKey, type ExportColumn } from './export.columns.js';

/** The row holding a user's current choice. */
export const CURRENT = '';
export const PRESET_NAME_MAX = 60;

/** The seed's two column lists ("Critères Convention", "Critères Etablissement", seed 003 §3.2.2), the number first in both. */
export const BUILTIN_PRESETS = [
  {
    key: 'agreement',
    labelKey: 'exports.presets.builtin.agreement',
    // Its one phone stands for the guide's personal and mobile phones; the centre for the "UFR",
    // the programme's code for the "département", the study year for the "étape".
    columns: ['agreement.number', 'student.number', 'student.lastName', 'student.firstName', 'student.phone', 'agreement.centre', 'student.programmeCode', 'student.studyYearCode', 'student.studyYear', 'agreement.startDate', 'agreement.endDate', 'agreement.interruptions'],
  },
  {
    key: 'host',
    labelKey: 'exports.presets.builtin.host',
    // The guide's "résidence" is the address's second line, its "voie" the first.
    columns: ['agreement.number', 'host.name', 'host.siret', 'host.addressLine2', 'host.addressLine1', 'host.postalCode', 'host.city', 'host.country', 'host.legalStatus', 'host.structureType', 'host.headcount', 'service.name', 'service.addressLine2', 'service.addressLine1'],
  },
] as const;
export type BuiltinKey = (typeof BUILTIN_PRESETS)[number]['key'];
/** The choice of a user who has made none. */
export const DEFAULT_PRESET = BUILTIN_PRESETS[0];

/** The actor's current columns (the default preset's until they choose). */
export async function currentColumns(db: Db, actor: Actor): Promise<ExportColumn[]> {
  const row = await db.exportPreset.findUnique({ where: { userId_name: { userId: actor.id, name: CURRENT } }, select: { columns: true } });
  const chosen = row ? columnsOf(row.columns) : [];
  return chosen.length ? chosen : columnsOf(DEFAULT_PRESET.columns);
}

/** The actor's named presets, by name. */
export function userPresets(db: Db, actor: Actor) {
  return db.exportPreset.findMany({ where: { userId: actor.id, name: { not: CURRENT } }, select: { id: true, name: true, columns: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

export interface ColumnChoice {
  columns: string[];
  /** Also kept as a preset under this name. */
  presetName: string | null;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== '');

/**
 * The chooser's form: the ticked columns (`columns`), each with its position (`pos.<key>`, 1 to
 * 999, optional: the unnumbered ones follow in the page's order), and with `action=preset` the
 * name to keep the choice under. Field errors beside the fields otherwise.
 */
export function parseChoice(body: Fields): ColumnChoice {
  const errors: Record<string, string> = {};
  const ticked = [...new Set(list(body.columns))];
  const unknown = ticked.find((k) => !isColumnKey(k));
  if (unknown !== undefined) errors.columns = `exports.errors.unknownColumn|${unknown.slice(0, 60)}`;
  else if (!ticked.length) errors.columns = 'exports.errors.noColumn';
  const rank = new Map(EXPORT_COLUMNS.map((c, i) => [c.key, i]));
  const position = new Map<string, number>();
  for (const key of ticked) {
    const raw = body[`pos.${key}`];
    const p = typeof raw === 'string' ? raw.trim() : '';
    if (p === '') continue;
    if (/^\d{1,3}$/.test(p) && Number(p) >= 1) position.set(key, Number(p));
    else errors[`pos.${key}`] = 'exports.errors.position';
  }
  const at = (k: string) => position.get(k) ?? Infinity;
  const columns = ticked.filter(isColumnKey).sort((a, b) => at(a) - at(b) || rank.get(a)! - rank.get(b)!);
  let presetName: string | null = null;
  if (body.action === 'preset') {
    presetName = typeof body.presetName === 'string' ? body.presetName.trim().replace(/\s+/g, ' ') : '';
    if (!presetName) errors.presetName = 'errors.field.required';
    else if (presetName.length > PRESET_NAME_MAX) errors.presetName = `errors.field.tooLong|${PRESET_NAME_MAX}`;
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { columns, presetName };
}

/** Keeps the choice as the actor's current one, and as a named preset when asked (a name they already use: 422). */
export async function saveChoice(db: Db, actor: Actor, choice: ColumnChoice): Promise<void> {
  await db.$transaction(async (tx) => {
    if (choice.presetName !== null) {
      // Names are told apart regardless of case: "Stages" and "stages" would look the same in the list.
      const taken = await tx.exportPreset.findFirst({ where: { userId: actor.id, name: { equals: choice.presetName, mode: 'insensitive' } }, select: { id: true } });
      if (taken) throw new ValidationError({ presetName: 'exports.errors.duplicateName' });
      await tx.exportPreset.create({ data: { userId: actor.id, name: choice.presetName, columns: choice.columns } });
    }
    await keepCurrent(tx, actor, choice.columns);
  });
}

async function keepCurrent(db: DbOrTx, actor: Actor, columns: string[]) {
  await db.exportPreset.upsert({
    where: { userId_name: { userId: actor.id, name: CURRENT } },
    create: { userId: actor.id, name: CURRENT, columns },
    update: { columns },
  });
}

/** Makes a preset the current choice: a built-in one by its key, one of the actor's by its id (anyone else's: 404). */
export async function applyPreset(db: Db, actor: Actor, id: string): Promise<void> {
  const builtin = BUILTIN_PRESETS.find((p) => p.key === id);
  if (builtin) return keepCurrent(db, actor, [...builtin.columns]);
  const preset = /^\d{1,9}$/.test(id) ? await db.exportPreset.findFirst({ where: { id: Number(id), userId: actor.id, name: { not: CURRENT } }, select: { columns: true } }) : null;
  if (!preset) throw notFound();
  // Columns removed from the registry since it was saved are dropped; none left: the default.
  const keys = columnsOf(preset.columns).map((c) => c.key);
  await keepCurrent(db, actor, keys.length ? keys : [...DEFAULT_PRESET.columns]);
}

/** Deletes one of the actor's presets (anyone else's, or none: 404). The current choice stays as it is. */
export async function deletePreset(db: Db, actor: Actor, id: string): Promise<void> {
  const n = /^\d{1,9}$/.test(id) ? (await db.exportPreset.deleteMany({ where: { id: Number(id), userId: actor.id, name: { not: CURRENT } } })).count : 0;
  if (!n) throw notFound();
}
