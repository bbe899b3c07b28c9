// The evaluation form editor (issue 14): a centre's ADMIN staff add sections and questions, remove
// questions and move them up or down. Every change writes a NEW version of the centre's form (the
// first copies the platform's default into the centre's version 1, then changes it): an evaluation
// keeps pointing at the version it answered.
import { z } from 'zod';
import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import type { EvaluationKind } from '../../generated/prisma/enums.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { f } from '../../http/validate.js';
import { currentForm, definitionSchema, EVALUATION_KINDS, latestForm, QUESTION_TYPES, questionsOf, type FormDefinition, type Question } from './forms.js';

/** The kinds as the editor's URLs spell them. */
export const KIND_PATHS: Record<string, EvaluationKind> = { company: 'COMPANY', academic: 'ACADEMIC', student: 'STUDENT' };

export const sectionInputSchema = z.object({ sectionTitleFr: f.text(200), sectionTitleEn: f.text(200) });

/**
 * A question as the editor's form sends it. The follow-up's trigger comes with the type: "no" for a
 * yes/no question, 1 or 2 for a scale (the only answers that can be low); other types take none.
 * Choices: one per line, "libellé français | English label" (one label alone serves both).
 */
export const questionInputSchema = z
  .object({
    section: f.text(40),
    type: f.enumOf(QUESTION_TYPES),
    labelFr: f.text(500),
    labelEn: f.text(500),
    required: f.checkbox(),
    choices: f.optionalText(2000),
    followUpFr: f.optionalText(500),
    followUpEn: f.optionalText(500),
  })
  .superRefine((q, ctx) => {
    const lines = (q.choices ?? '').split('\n').filter((l) => l.trim());
    if (q.type === 'choice' && lines.length < 2) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'evaluations.editor.errors.choices' });
    if (lines.length > 20) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'evaluations.editor.errors.tooManyChoices' });
    if ((q.followUpFr || q.followUpEn) && q.type !== 'yesno' && q.type !== 'scale') ctx.addIssue({ code: 'custom', path: ['followUpFr'], message: 'evaluations.editor.errors.followUpType' });
  });
export type QuestionInput = z.infer<typeof questionInputSchema>;

export const moveSchema = z.object({ direction: f.enumOf(['up', 'down'] as const) });

/** The next free key of the form "q7" / "s3" (keys stay unique across every version of a form). */
function nextKey(prefix: string, keys: string[]): string {
  const n = keys.map((k) => new RegExp(`^${prefix}(\\d+)$`).exec(k)).reduce((m, x) => (x ? Math.max(m, Number(x[1])) : m), 0);
  return `${prefix}${n + 1}`;
}

function questionOf(input: QuestionInput, key: string): Question {
  const label = (fr: string, en: string | null) => ({ fr, en: en || fr });
  const q: Question = { key, type: input.type, label: label(input.labelFr, input.labelEn), required: input.required };
  if (input.type === 'choice') {
    q.choices = (input.choices ?? '').split('\n').map((l) => l.trim()).filter(Boolean).map((l, i) => {
      const [fr, en] = l.split('|').map((s) => s.trim());
      return { key: `c${i + 1}`, label: label(fr || en, en || null) };
    });
  }
  const followFr = input.followUpFr || input.followUpEn;
  if (followFr && (input.type === 'yesno' || input.type === 'scale')) q.followUp = { when: input.type === 'yesno' ? 'no' : 'low', label: label(followFr, input.followUpEn) };
  return q;
}

export class FormEditorService extends Service {
  /** The centre's forms may be changed by its ADMIN staff (a centre out of reach: 404). */
  private check(actor: Actor, centreId: number) {
    if (!hasCentreRight(actor, centreId, 'READ')) throw notFound();
    if (!hasCentreRight(actor, centreId, 'ADMIN')) throw forbidden();
  }

  /** The three kinds: the version in use, whether it is the platform's default, how many questions. */
  async overview(actor: Actor, centreId: number) {
    this.check(actor, centreId);
    return Promise.all(
      EVALUATION_KINDS.map(async (kind) => {
        const form = await currentForm(this.db, centreId, kind);
        return { kind, path: kind.toLowerCase(), version: form.version, byDefault: form.centreId === null, questions: questionsOf(form.definition).length, since: form.centreId === null ? null : form.createdAt };
      }),
    );
  }

  /** The form in use for a kind (the editor's page). */
  async form(actor: Actor, centreId: number, kind: EvaluationKind) {
    this.check(actor, centreId);
    return currentForm(this.db, centreId, kind);
  }

  addSection(act: Act, centreId: number, kind: EvaluationKind, input: z.infer<typeof sectionInputSchema>) {
    return this.change(act, centreId, kind, 'addSection', (d) => {
      d.sections.push({ key: nextKey('s', d.sections.map((s) => s.key)), title: { fr: input.sectionTitleFr, en: input.sectionTitleEn }, questions: [] });
    });
  }

  addQuestion(act: Act, centreId: number, kind: EvaluationKind, input: QuestionInput) {
    return this.change(act, centreId, kind, 'addQuestion', (d) => {
      const section = d.sections.find((s) => s.key === input.section);
      if (!section) throw new ValidationError({ section: 'errors.field.choice' });
      section.questions.push(questionOf(input, nextKey('q', questionsOf(d).map((q) => q.key))));
    });
  }

  removeQuestion(act: Act, centreId: number, kind: EvaluationKind, key: string) {
    return this.change(act, centreId, kind, 'removeQuestion', (d) => {
      const section = d.sections.find((s) => s.questions.some((q) => q.key === key));
      if (!section) throw notFound();
      if (questionsOf(d).length === 1) throw new ValidationError({ _form: 'evaluations.editor.errors.lastQuestion' });
      section.questions = section.questions.filter((q) => q.key !== key);
    });
  }

  /** Up or down within its section (the first of a section goes to the end of the one before, and back). */
  moveQuestion(act: Act, centreId: number, kind: EvaluationKind, key: string, direction: 'up' | 'down') {
    return this.change(act, centreId, kind, 'moveQuestion', (d) => {
      const si = d.sections.findIndex((s) => s.questions.some((q) => q.key === key));
      if (si < 0) throw notFound();
      const qs = d.sections[si].questions;
      const qi = qs.findIndex((q) => q.key === key);
      const to = direction === 'up' ? qi - 1 : qi + 1;
      if (to >= 0 && to < qs.length) {
        [qs[qi], qs[to]] = [qs[to], qs[qi]];
        return;
      }
      const next = d.sections[direction === 'up' ? si - 1 : si + 1];
      if (!next) throw new ValidationError({ _form: 'evaluations.editor.errors.cannotMove' });
      const [q] = qs.splice(qi, 1);
      if (direction === 'up') next.questions.push(q);
      else next.questions.unshift(q);
    });
  }

  /** One change: the form in use read under the centre's lock, changed, checked, written as the centre's next version. */
  private async change(act: Act, centreId: number, kind: EvaluationKind, what: string, edit: (d: FormDefinition) => void) {
    this.check(act.actor, centreId);
    return this.db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "ManagementCentre" WHERE id = ${centreId} FOR UPDATE`;
      if (!locked.length) throw notFound();
      const current = await currentForm(tx, centreId, kind);
      const d = structuredClone(current.definition);
      edit(d);
      const checked = definitionSchema.safeParse(d);
      if (!checked.success) throw new ValidationError({ _form: 'evaluations.editor.errors.invalid' });
      const version = ((await latestForm(tx, centreId, kind))?.version ?? 0) + 1;
      const row = await tx.evaluationForm.create({ data: { centreId, kind, version, definition: checked.data as unknown as Prisma.InputJsonValue, createdAt: act.now, createdById: act.actor.id } });
      await audit(tx, { actorId: act.actor.id, action: 'evaluationForm.change', entityType: 'ManagementCentre', entityId: centreId, after: { kind, change: what, version, formId: row.id, from: { formId: current.id, centreId: current.centreId, version: current.version } }, requestId: act.requestId });
      return row;
    });
  }
}
