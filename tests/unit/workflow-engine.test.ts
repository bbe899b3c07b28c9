import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Actor } from '../../src/authz/actor.js';
import { WrongStateError } from '../../src/errors.js';
import { CalendarDate } from '../../src/time/calendar.js';
import { defineWorkflow } from '../../src/workflow/engine.js';

// A small workflow of its own, to pin down what the engine does whatever the definition.
type Doc = { status: 'DRAFT' | 'SENT' | 'DONE'; ownerId: number; due: string | null };
const actor = (id: number, extra: Partial<Actor> = {}) => ({ id, roles: [], centres: new Map(), companies: [], academic: [], student: null, isPlatformAdmin: false, ...extra }) as unknown as Actor;

const DOC = defineWorkflow({
  name: 'doc',
  entity: 'Doc',
  i18n: 'docs',
  states: ['DRAFT', 'SENT', 'DONE'] as const,
  parties: {
    owner: (a: Actor | null, d: Doc) => !!a && a.id === d.ownerId,
    reviewer: (a: Actor | null) => !!a && a.isPlatformAdmin,
    system: (a: Actor | null) => a === null,
  },
  forms: { reason: z.object({ reason: z.string().min(1, 'errors.field.required') }) },
  icons: { send: 'publish' },
  transitions: [
    { action: 'edit', from: ['DRAFT'], to: 'same', by: ['owner'], page: true },
    { action: 'send', from: ['DRAFT'], to: 'SENT', by: ['owner'], tone: 'primary', tell: [{ to: 'reviewers', template: 'doc-sent' }] },
    { action: 'accept', from: ['SENT'], to: 'DONE', by: ['reviewer'], awaits: true },
    { action: 'return', from: ['SENT'], to: 'DRAFT', by: ['reviewer'], needs: 'reason', awaits: true, tone: 'danger' },
    { action: 'close', from: ['SENT'], to: 'DONE', by: ['system'], automatic: true },
  ],
  deadlines: [{ states: ['SENT'], due: (d: Doc) => CalendarDate.parse(d.due), then: 'close', reminders: [{ daysBefore: 2, tell: [{ to: 'reviewers', template: 'doc-reminder' }] }] }],
  groups: { open: ['DRAFT', 'SENT'] },
});

const draft: Doc = { status: 'DRAFT', ownerId: 1, due: null };
const sent: Doc = { status: 'SENT', ownerId: 1, due: '2026-07-10' };

describe('workflow engine', () => {
  it('refuses a definition that names an unknown state or form', () => {
    expect(() => defineWorkflow({ name: 'x', entity: 'X', i18n: 'x', states: ['A'] as const, parties: { p: () => true }, transitions: [{ action: 'go', from: ['A'], to: 'B' as 'A', by: ['p'] }] })).toThrow(/unknown state B/);
  });

  it('tells a wrong state (422) from a wrong person (403)', () => {
    expect(DOC.check(actor(1), draft, 'send')).toMatchObject({ ok: true });
    expect(DOC.check(actor(2), draft, 'send')).toEqual({ ok: false, reason: 'role' });
    expect(DOC.check(actor(1), sent, 'send')).toEqual({ ok: false, reason: 'state' });
    expect(() => DOC.require(actor(1), sent, 'send')).toThrow(WrongStateError);
    expect(() => DOC.require(actor(2), draft, 'send')).toThrow(expect.objectContaining({ status: 403 }));
    expect(DOC.can(null, sent, 'close')).toBe(true);
    expect(DOC.can(actor(9, { isPlatformAdmin: true }), sent, 'close')).toBe(false);
  });

  it('draws the buttons of a page: not the automatic ones, with their form and tone', () => {
    expect(DOC.availableActions(actor(1), draft)).toEqual([
      { action: 'edit', label: 'docs.action.edit', needs: null, page: true, tone: 'secondary', icon: null },
      { action: 'send', label: 'docs.action.send', needs: null, page: false, tone: 'primary', icon: 'publish' },
    ]);
    expect(DOC.availableActions(actor(9, { isPlatformAdmin: true }), sent).map((a) => [a.action, a.needs])).toEqual([
      ['accept', null],
      ['return', 'reason'],
    ]);
    expect(DOC.availableActions(null, sent)).toEqual([]);
  });

  it('answers per party, what awaits whom, and the groups', () => {
    expect(DOC.actionsOf('owner', draft)).toEqual(['edit', 'send']);
    expect(DOC.actionsOf('reviewer', draft)).toEqual([]);
    expect(DOC.awaitingStates('reviewer')).toEqual(['SENT']);
    expect(DOC.awaitingStates('owner')).toEqual([]);
    expect(DOC.awaits(actor(9, { isPlatformAdmin: true }), sent)).toBe(true);
    expect(DOC.group('open')).toEqual(['DRAFT', 'SENT']);
    expect(DOC.manualActions).toEqual(['edit', 'send', 'accept', 'return']);
    expect(DOC.stateLabel('SENT')).toBe('docs.status.SENT');
  });

  it('parses the input of an action that needs a form', () => {
    const t = DOC.require(actor(9, { isPlatformAdmin: true }), sent, 'return');
    expect(DOC.input(t, { reason: 'incomplete' })).toEqual({ reason: 'incomplete' });
    expect(() => DOC.input(t, { reason: '' })).toThrow(expect.objectContaining({ status: 422, fields: { reason: 'errors.field.required' } }));
  });

  it('gives the deadline and the reminders due on their exact day', () => {
    expect(DOC.deadline(sent)?.due.toString()).toBe('2026-07-10');
    expect(DOC.deadline(draft)).toBeNull();
    expect(DOC.remindersDue(sent, CalendarDate.parse('2026-07-08')!)).toEqual([{ to: 'reviewers', template: 'doc-reminder' }]);
    expect(DOC.remindersDue(sent, CalendarDate.parse('2026-07-07')!)).toEqual([]);
    expect(DOC.remindersDue(sent, CalendarDate.parse('2026-07-09')!)).toEqual([]);
  });
});
