// The evaluation forms (issue 14): a form is a list of sections of questions, stored as JSON in
// EvaluationForm.definition, one row per version; a centre's own versions (centreId) or, until its
// ADMIN staff change it, the platform's default (centreId null). An answered evaluation points at the
// version it answered, so changing a form never changes what an evaluation shows.
import { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { ValidationError } from '../../errors.js';
import type { EvaluationKind } from '../../generated/prisma/enums.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { DEFAULT_FORMS } from './forms.default.js';

export const QUESTION_TYPES = ['yesno', 'choice', 'scale', 'short', 'long'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const EVALUATION_KINDS = ['COMPANY', 'ACADEMIC', 'STUDENT'] as const satisfies readonly EvaluationKind[];

/** A 5-point scale: 1 (insufficient) … 5 (excellent); "low" is 1 or 2. */
export const SCALE = [1, 2, 3, 4, 5] as const;
/** The longest answer of each text type; a follow-up is a paragraph. */
export const TEXT_MAX = { short: 200, long: 4000, followUp: 2000 } as const;
/** The suffix of a follow-up's answer key (and field name): "takeAgain__followUp". */
export const FOLLOW_UP = '__followUp';

// Keys are letters and digits (no "_"): a follow-up's key can never be a question's, and no key is a
// reserved field of the forms (_csrf, proposedGrade is refused by name).
const key = z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/);
const label = z.object({ fr: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(500) });

const question = z
  .object({
    key: key.refine((k) => k !== 'proposedGrade'),
    type: z.enum(QUESTION_TYPES),
    label,
    required: z.boolean(),
    choices: z.array(z.object({ key, label })).min(2).max(20).optional(),
    followUp: z.object({ when: z.enum(['no', 'low']), label }).optional(),
  })
  .superRefine((q, ctx) => {
    if ((q.type === 'choice') !== !!q.choices) ctx.addIssue({ code: 'custom', message: 'choices are for (and required by) choice questions' });
    if (q.choices && new Set(q.choices.map((c) => c.key)).size !== q.choices.length) ctx.addIssue({ code: 'custom', message: 'duplicate choice key' });
    // "no" follows a yes/no question, "low" a scale: the only answers that can be low.
    if (q.followUp && !((q.followUp.when === 'no' && q.type === 'yesno') || (q.followUp.when === 'low' && q.type === 'scale'))) ctx.addIssue({ code: 'custom', message: 'follow-up trigger does not fit the type' });
  });

export const definitionSchema = z
  .object({ sections: z.array(z.object({ key, title: label, questions: z.array(question).max(60) })).min(1).max(20) })
  .superRefine((d, ctx) => {
    const keys = d.sections.flatMap((s) => s.questions.map((q) => q.key));
    if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', message: 'duplicate question key' });
    if (new Set(d.sections.map((s) => s.key)).size !== d.sections.length) ctx.addIssue({ code: 'custom', message: 'duplicate section key' });
    if (!keys.length) ctx.addIssue({ code: 'custom', message: 'a form asks at least one question' });
  });

export type FormDefinition = z.infer<typeof definitionSchema>;
export type Section = FormDefinition['sections'][number];
export type Question = Section['questions'][number];
export type Label = Question['label'];
/** Question key → 'yes'/'no', a choice's key, 1..5 or a text; a follow-up at `<key>__followUp`. */
export type Answers = Record<string, string | number>;

/** A stored definition, checked (a row written by hand that does not fit is an error, not a page half drawn). */
export function definitionOf(json: unknown): FormDefinition {
  return definitionSchema.parse(json);
}

/** A label in the reader's language (French when the English one is missing). */
export function labelIn(l: Label, locale: string): string {
  return (locale === 'en' ? l.en : l.fr) || l.fr;
}

/** Every question of a definition, in order. */
export function questionsOf(d: FormDefinition): Question[] {
  return d.sections.flatMap((s) => s.questions);
}

/** Whether a question's follow-up is asked for this answer: "no" to a yes/no question, 1 or 2 on a scale. */
export function followUpTriggered(q: Question, answer: string | number | undefined): boolean {
  if (!q.followUp || answer === undefined) return false;
  return q.followUp.when === 'no' ? answer === 'no' : typeof answer === 'number' && answer <= 2;
}

const first = (v: unknown): string => (Array.isArray(v) ? String(v[v.length - 1] ?? '') : typeof v === 'string' ? v : '').replace(/\r\n?/g, '\n').trim();

/** One answer read from the body: its value, or an error key; undefined when left empty. */
function answerOf(q: Question, raw: string): { value?: string | number; error?: string } {
  if (raw === '') return q.required ? { error: 'errors.field.required' } : {};
  switch (q.type) {
    case 'yesno':
      return raw === 'yes' || raw === 'no' ? { value: raw } : { error: 'errors.field.choice' };
    case 'choice':
      return q.choices!.some((c) => c.key === raw) ? { value: raw } : { error: 'errors.field.choice' };
    case 'scale':
      return /^[1-5]$/.test(raw) ? { value: Number(raw) } : { error: 'errors.field.choice' };
    default: {
      const max = TEXT_MAX[q.type];
      return raw.length > max ? { error: `errors.field.tooLong|${max}` } : { value: raw };
    }
  }
}

/**
 * Reads a posted form against its definition: the answers and, per field, what is wrong. A
 * follow-up is required (and kept) only when its answer calls for it.
 */
export function readAnswers(d: FormDefinition, body: Record<string, unknown>): { answers: Answers; errors: Record<string, string> } {
  const answers: Answers = {};
  const errors: Record<string, string> = {};
  for (const q of questionsOf(d)) {
    const a = answerOf(q, first(body[q.key]));
    if (a.error) errors[q.key] = a.error;
    if (a.value !== undefined) answers[q.key] = a.value;
    if (!followUpTriggered(q, a.value)) continue;
    const fk = q.key + FOLLOW_UP;
    const text = first(body[fk]);
    if (!text) errors[fk] = 'errors.field.required';
    else if (text.length > TEXT_MAX.followUp) errors[fk] = `errors.field.tooLong|${TEXT_MAX.followUp}`;
    else answers[fk] = text;
  }
  return { answers, errors };
}

/** The answers of a posted form, or a ValidationError with a message per field. */
export function parseAnswers(d: FormDefinition, body: Record<string, unknown>): Answers {
  const { answers, errors } = readAnswers(d, body);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return answers;
}

/** The values a form shows for stored answers (numbers as the radio values they were). */
export function answerValues(answers: Answers): Record<string, string> {
  return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, String(v)]));
}

export interface FormRow {
  id: number;
  centreId: number | null;
  kind: EvaluationKind;
  version: number;
  definition: FormDefinition;
  createdAt: Date;
}

const rowOf = (r: { id: number; centreId: number | null; kind: EvaluationKind; version: number; definition: Prisma.JsonValue; createdAt: Date }): FormRow => ({ id: r.id, centreId: r.centreId, kind: r.kind, version: r.version, createdAt: r.createdAt, definition: definitionOf(r.definition) });

/** The latest version of a centre's form (null: the platform's default), or null when it has none. */
export async function latestForm(db: DbOrTx, centreId: number | null, kind: EvaluationKind): Promise<FormRow | null> {
  const r = await db.evaluationForm.findFirst({ where: { centreId, kind }, orderBy: [{ version: 'desc' }, { id: 'desc' }] });
  return r ? rowOf(r) : null;
}

/**
 * The platform's default forms, written when missing (the first start, the demo data, a test's
 * empty database). Under a transaction-wide advisory lock: two first requests write them once
 * (the unique index does not stop it: centreId is null, and nulls are distinct in PostgreSQL).
 */
export async function ensureDefaultForms(db: Db): Promise<void> {
  await db.$transaction((tx) => writeDefaultForms(tx));
}

async function writeDefaultForms(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('evaluation-default-forms'))`;
  const have = new Set((await tx.evaluationForm.findMany({ where: { centreId: null }, select: { kind: true } })).map((r) => r.kind));
  const missing = EVALUATION_KINDS.filter((k) => !have.has(k));
  if (missing.length) await tx.evaluationForm.createMany({ data: missing.map((kind) => ({ centreId: null, kind, version: 1, definition: DEFAULT_FORMS[kind] as unknown as Prisma.InputJsonValue })) });
}

// A transaction's client has no $connect: inside one, the defaults are written in it.
const isClient = (db: DbOrTx): db is Db => typeof (db as Db).$connect === 'function';

/** The form in use for a centre and kind: the centre's latest version, else the platform default's latest (one statement). */
export async function currentForm(db: DbOrTx, centreId: number, kind: EvaluationKind): Promise<FormRow> {
  const inUse = () => db.evaluationForm.findFirst({ where: { kind, OR: [{ centreId }, { centreId: null }] }, orderBy: [{ centreId: { sort: 'asc', nulls: 'last' } }, { version: 'desc' }, { id: 'desc' }] });
  const found = await inUse();
  if (found) return rowOf(found);
  await (isClient(db) ? ensureDefaultForms(db) : writeDefaultForms(db));
  return rowOf((await inUse())!);
}

/** The form an evaluation answered (its version, whatever the centre's form is now). */
export async function formById(db: DbOrTx, id: number): Promise<FormRow> {
  return rowOf(await db.evaluationForm.findUniqueOrThrow({ where: { id } }));
}
