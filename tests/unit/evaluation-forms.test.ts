import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { maskEmail } from '../../src/modules/evaluations/evaluations.access.js';
import { readInput } from '../../src/modules/evaluations/evaluations.service.js';
import { DEFAULT_FORMS } from '../../src/modules/evaluations/forms.default.js';
import { definitionSchema, followUpTriggered, parseAnswers, questionsOf, readAnswers, type FormDefinition } from '../../src/modules/evaluations/forms.js';

const form: FormDefinition = {
  sections: [
    {
      key: 'one',
      title: { fr: 'Rubrique', en: 'Section' },
      questions: [
        { key: 'again', type: 'yesno', label: { fr: 'Encore ?', en: 'Again?' }, required: true, followUp: { when: 'no', label: { fr: 'Pourquoi ?', en: 'Why?' } } },
        { key: 'level', type: 'scale', label: { fr: 'Niveau', en: 'Level' }, required: true, followUp: { when: 'low', label: { fr: 'Quoi ?', en: 'What?' } } },
        { key: 'pick', type: 'choice', label: { fr: 'Choix', en: 'Choice' }, required: false, choices: [{ key: 'a', label: { fr: 'A', en: 'A' } }, { key: 'b', label: { fr: 'B', en: 'B' } }] },
        { key: 'note', type: 'short', label: { fr: 'Note', en: 'Note' }, required: false },
        { key: 'text', type: 'long', label: { fr: 'Texte', en: 'Text' }, required: true },
      ],
    },
  ],
};

describe('evaluation forms', () => {
  it('ships three valid default forms, the company one with three sections, about 20 questions and "would you take this student again"', () => {
    for (const kind of ['COMPANY', 'ACADEMIC', 'STUDENT'] as const) expect(definitionSchema.safeParse(DEFAULT_FORMS[kind]).success, kind).toBe(true);
    const company = DEFAULT_FORMS.COMPANY;
    expect(company.sections.map((s) => s.title.fr)).toEqual([expect.stringContaining('Savoir-être'), expect.stringContaining('Savoir-faire'), 'Appréciation globale']);
    expect(questionsOf(company).length).toBeGreaterThanOrEqual(18);
    expect(questionsOf(company).length).toBeLessThanOrEqual(24);
    expect(questionsOf(company).find((q) => q.key === 'takeAgain')).toMatchObject({ type: 'yesno', followUp: { when: 'no' } });
    // Every label in both languages.
    for (const kind of ['COMPANY', 'ACADEMIC', 'STUDENT'] as const) for (const q of questionsOf(DEFAULT_FORMS[kind])) expect(q.label.fr && q.label.en, q.key).toBeTruthy();
    expect(questionsOf(DEFAULT_FORMS.STUDENT).find((q) => q.key === 'recommend')?.type).toBe('yesno');
  });

  it('refuses definitions that do not hold together', () => {
    const q = form.sections[0].questions[0];
    const withQ = (over: object) => ({ sections: [{ ...form.sections[0], questions: [{ ...q, ...over }] }] });
    expect(definitionSchema.safeParse(withQ({ followUp: { when: 'low', label: q.label } })).success).toBe(false);
    expect(definitionSchema.safeParse(withQ({ type: 'short', followUp: { when: 'no', label: q.label } })).success).toBe(false);
    expect(definitionSchema.safeParse(withQ({ type: 'choice', followUp: undefined })).success).toBe(false);
    expect(definitionSchema.safeParse(withQ({ key: 'bad_key' })).success).toBe(false);
    expect(definitionSchema.safeParse(withQ({ key: 'proposedGrade' })).success).toBe(false);
    expect(definitionSchema.safeParse({ sections: [form.sections[0], { ...form.sections[0], key: 'two' }] }).success).toBe(false);
  });

  it('reads the answers: a message per field, the follow-up required only when the answer calls for it', () => {
    const { errors } = readAnswers(form, { again: 'no', level: '6', pick: 'z', text: '' });
    expect(errors).toEqual({ again__followUp: 'errors.field.required', level: 'errors.field.choice', pick: 'errors.field.choice', text: 'errors.field.required' });
    expect(() => parseAnswers(form, {})).toThrow(ValidationError);

    const ok = parseAnswers(form, { again: 'yes', again__followUp: 'ignored', level: '4', level__followUp: 'ignored too', pick: '', note: ' court ', text: 'Long\r\ntexte' });
    expect(ok).toEqual({ again: 'yes', level: 4, note: 'court', text: 'Long\ntexte' });
    expect(parseAnswers(form, { again: 'no', again__followUp: 'Trop de retards', level: '2', level__followUp: 'Peu d’initiative', text: 'x' })).toMatchObject({ again__followUp: 'Trop de retards', level: 2, level__followUp: 'Peu d’initiative' });
    expect(readAnswers(form, { again: 'yes', level: '3', text: 'x', note: 'n'.repeat(201) }).errors).toEqual({ note: 'errors.field.tooLong|200' });
    expect(followUpTriggered(form.sections[0].questions[1], 3)).toBe(false);
    expect(followUpTriggered(form.sections[0].questions[1], 1)).toBe(true);
  });

  it('reads the proposed grade with the answers: 0 to 20, two decimals at most, a comma or a point', () => {
    const body = { again: 'yes', level: '3', text: 'x' };
    expect(readInput(form, { ...body, proposedGrade: '14,5' }, true).proposedGrade).toBe('14.5');
    expect(readInput(form, { ...body, proposedGrade: '20' }, true).proposedGrade).toBe('20');
    for (const bad of ['', '20.01', '14.555', 'douze', '-1']) {
      try {
        readInput(form, { ...body, proposedGrade: bad }, true);
        expect.unreachable(bad);
      } catch (err) {
        expect((err as ValidationError).fields.proposedGrade, bad).toBeTruthy();
      }
    }
    // Every field's error at once.
    try {
      readInput(form, { proposedGrade: '25' }, true);
    } catch (err) {
      expect(Object.keys((err as ValidationError).fields).sort()).toEqual(['again', 'level', 'proposedGrade', 'text']);
    }
  });

  it('masks an address: enough to recognise it, not to learn it', () => {
    expect(maskEmail('jean.dupont@acme.fr')).toBe('j•••@a•••.fr');
    expect(maskEmail('x@localhost')).toBe('x•••@l•••');
  });
});
