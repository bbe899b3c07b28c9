import { describe, expect, it } from 'vitest';
import { LABEL_STEPS, stepStates, type StepFacts } from '../../src/modules/followup/label.steps.js';
import { day } from '../factories/legal.js';

const at = (iso: string) => new Date(iso);
const facts = (over: Partial<StepFacts> = {}): StepFacts => ({
  start: day('2026-03-02'),
  end: day('2026-05-29'),
  halfway: day('2026-04-13'),
  sheetSentAt: at('2026-01-10T10:00:00Z'),
  sheetValidatedAt: at('2026-01-12T10:00:00Z'),
  validatedAt: at('2026-02-20T10:00:00Z'),
  journalEntries: 0,
  midtermSubmittedAt: null,
  midtermCompanyAckAt: null,
  midtermAcademicAckAt: null,
  feedbackAt: null,
  companyEvaluationAt: null,
  evaluationConsultedAt: null,
  academicEvaluationAt: null,
  gradeAt: null,
  studentEvaluationAt: null,
  followsLabel: true,
  labelDecidedAt: null,
  ...over,
});
const state = (f: StepFacts, today: string, code: string) => stepStates(f, day(today)).steps.find((s) => s.code === code)!.state;

describe('the label steps, declared once', () => {
  it('declares each step once, after steps declared before it', () => {
    const codes = LABEL_STEPS.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    LABEL_STEPS.forEach((s, i) => s.after.forEach((c) => expect(codes.indexOf(c)).toBeLessThan(i)));
  });

  it('opens the mid-term report on its day, late two weeks after; the acknowledgements wait for it', () => {
    const f = facts();
    expect(state(f, '2026-04-12', 'midtermSent')).toBe('waiting');
    expect(state(f, '2026-04-13', 'midtermSent')).toBe('todo');
    expect(state(f, '2026-04-27', 'midtermSent')).toBe('todo');
    expect(state(f, '2026-04-28', 'midtermSent')).toBe('late');
    expect(state(f, '2026-04-28', 'midtermCompanyAck')).toBe('waiting');
    // Sent on 14 April (Paris): each tutor has a week.
    const sent = facts({ midtermSubmittedAt: at('2026-04-14T08:00:00Z') });
    expect(state(sent, '2026-04-21', 'midtermCompanyAck')).toBe('todo');
    expect(state(sent, '2026-04-22', 'midtermCompanyAck')).toBe('late');
    expect(state(facts({ midtermSubmittedAt: at('2026-04-14T08:00:00Z'), midtermCompanyAckAt: at('2026-04-30T08:00:00Z') }), '2026-05-02', 'midtermCompanyAck')).toBe('done');
  });

  it('counts only the mandatory steps in the progress; the journal is optional', () => {
    expect(stepStates(facts(), day('2026-03-10')).progress).toBe(27); // 3 of 11
    expect(stepStates(facts({ journalEntries: 4 }), day('2026-03-10')).progress).toBe(27);
    expect(state(facts({ journalEntries: 4 }), '2026-03-10', 'journal')).toBe('done');
    const acknowledged = { midtermSubmittedAt: at('2026-04-14T08:00:00Z'), midtermCompanyAckAt: at('2026-04-15T08:00:00Z'), midtermAcademicAckAt: at('2026-04-16T08:00:00Z') };
    expect(stepStates(facts(acknowledged), day('2026-04-20')).progress).toBe(55); // 6 of 11
    expect(stepStates(facts({ ...acknowledged, feedbackAt: at('2026-05-20T08:00:00Z') }), day('2026-05-21')).progress).toBe(64);
    // The feedback is due by the last day.
    expect(state(facts(), '2026-05-29', 'feedback')).toBe('todo');
    expect(state(facts(), '2026-05-30', 'feedback')).toBe('late');
  });

  it('opens the company evaluation 10 days before the end; the defence waits for its consultation and the feedback', () => {
    expect(state(facts(), '2026-05-18', 'companyEvaluation')).toBe('waiting');
    expect(state(facts(), '2026-05-19', 'companyEvaluation')).toBe('todo');
    expect(state(facts(), '2026-05-30', 'companyEvaluation')).toBe('late');
    const evaluated = facts({ companyEvaluationAt: at('2026-05-25T08:00:00Z') });
    expect(state(evaluated, '2026-05-26', 'evaluationConsulted')).toBe('todo');
    expect(state(evaluated, '2026-06-02', 'evaluationConsulted')).toBe('late');
    expect(state(facts({ companyEvaluationAt: at('2026-05-25T08:00:00Z'), evaluationConsultedAt: at('2026-05-26T08:00:00Z') }), '2026-06-01', 'defence')).toBe('waiting');
    const both = facts({ companyEvaluationAt: at('2026-05-25T08:00:00Z'), evaluationConsultedAt: at('2026-05-26T08:00:00Z'), feedbackAt: at('2026-05-27T08:00:00Z') });
    const defence = stepStates(both, day('2026-06-01')).steps.find((s) => s.code === 'defence')!;
    expect(defence.state).toBe('todo');
    expect(defence.readyOn?.toString()).toBe('2026-05-27');
    expect(state(both, '2026-06-01', 'studentEvaluation')).toBe('waiting');
  });

  it('has the award only for an internship that follows the label, after every mandatory step', () => {
    expect(stepStates(facts({ followsLabel: false }), day('2026-03-10')).steps.some((s) => s.code === 'labelAward')).toBe(false);
    expect(state(facts(), '2026-03-10', 'labelAward')).toBe('waiting');
    const all = facts({
      midtermSubmittedAt: at('2026-04-14T08:00:00Z'), midtermCompanyAckAt: at('2026-04-15T08:00:00Z'), midtermAcademicAckAt: at('2026-04-16T08:00:00Z'),
      companyEvaluationAt: at('2026-05-25T08:00:00Z'), evaluationConsultedAt: at('2026-05-26T08:00:00Z'), feedbackAt: at('2026-05-27T08:00:00Z'),
      gradeAt: at('2026-06-10T08:00:00Z'),
    });
    expect(state(all, '2026-06-11', 'labelAward')).toBe('waiting');
    expect(state({ ...all, studentEvaluationAt: at('2026-06-12T08:00:00Z') }, '2026-06-12', 'labelAward')).toBe('todo');
    expect(stepStates({ ...all, studentEvaluationAt: at('2026-06-12T08:00:00Z') }, day('2026-06-12')).progress).toBe(100);
  });
});
