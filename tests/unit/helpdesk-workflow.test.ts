import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/authz/actor.js';
import { TicketStatus } from '../../src/generated/prisma/enums.js';
import { agreementOfPath, cleanPagePath } from '../../src/modules/helpdesk/helpdesk.routing.js';
import { TICKET_WORKFLOW, type TicketParty, type TicketRecord } from '../../src/modules/helpdesk/ticket.workflow.js';

const record = (status: TicketStatus, centreId: number | null = 2): TicketRecord => ({ status, authorId: 7, centreId });

/** Who may do what, written out: a change to the definition that is not also made here fails. */
const EXPECTED: Record<TicketStatus, Record<TicketParty, string[]>> = {
  OPEN: { author: ['reply', 'close'], handler: ['answer', 'close'] },
  ANSWERED: { author: ['reply', 'close'], handler: ['answer', 'close'] },
  CLOSED: { author: [], handler: ['reopen'] },
};

const actor = (a: Partial<Actor>): Actor => ({
  id: 100,
  email: 'x@test.example',
  firstName: 'X',
  lastName: 'Y',
  locale: 'fr',
  isPlatformAdmin: false,
  roles: [],
  centres: new Map(),
  companies: [],
  academic: [],
  student: null,
  ...a,
});

describe('the help desk ticket workflow', () => {
  it('has the states of the Prisma enum, in its order, each with a tone', () => {
    expect([...TICKET_WORKFLOW.states]).toEqual(Object.values(TicketStatus));
    expect(Object.keys(TICKET_WORKFLOW.def.tones!).sort()).toEqual([...TICKET_WORKFLOW.states].sort());
  });

  it('gives each party, in each state, exactly the actions of the table', () => {
    for (const state of TICKET_WORKFLOW.states) {
      for (const party of ['author', 'handler'] as const) {
        expect(TICKET_WORKFLOW.actionsOf(party, record(state)), `${state} × ${party}`).toEqual(EXPECTED[state][party]);
      }
    }
  });

  it('moves the ticket: an answer → ANSWERED, the author writing again → OPEN, reopened → OPEN', () => {
    const write = actor({ centres: new Map([[2, 'WRITE']]) });
    const to = (r: TicketRecord, who: Actor, a: 'answer' | 'reply' | 'close' | 'reopen') => TICKET_WORKFLOW.target(TICKET_WORKFLOW.require(who, r, a), r);
    expect(to(record('OPEN'), write, 'answer')).toBe('ANSWERED');
    expect(to(record('ANSWERED'), write, 'answer')).toBe('ANSWERED');
    expect(to(record('ANSWERED'), actor({ id: 7 }), 'reply')).toBe('OPEN');
    expect(to(record('ANSWERED'), actor({ id: 7 }), 'close')).toBe('CLOSED');
    expect(to(record('CLOSED'), write, 'reopen')).toBe('OPEN');
    // A closed ticket is not written to, and its author does not reopen it.
    expect(TICKET_WORKFLOW.check(actor({ id: 7 }), record('CLOSED'), 'reply')).toEqual({ ok: false, reason: 'state' });
    expect(TICKET_WORKFLOW.check(actor({ id: 7 }), record('CLOSED'), 'reopen')).toEqual({ ok: false, reason: 'role' });
  });

  it('makes WRITE and ADMIN staff of the ticket\'s centre its handlers, not READ staff nor another centre\'s; the administrator handles the platform\'s and may handle any', () => {
    const r = record('OPEN');
    expect(TICKET_WORKFLOW.can(actor({ centres: new Map([[2, 'WRITE']]) }), r, 'answer')).toBe(true);
    expect(TICKET_WORKFLOW.can(actor({ centres: new Map([[2, 'ADMIN']]) }), r, 'answer')).toBe(true);
    expect(TICKET_WORKFLOW.can(actor({ centres: new Map([[2, 'READ']]) }), r, 'answer')).toBe(false);
    expect(TICKET_WORKFLOW.can(actor({ centres: new Map([[3, 'WRITE']]) }), r, 'answer')).toBe(false);
    expect(TICKET_WORKFLOW.can(actor({ isPlatformAdmin: true }), r, 'answer')).toBe(true);
    expect(TICKET_WORKFLOW.can(actor({ isPlatformAdmin: true }), record('OPEN', null), 'answer')).toBe(true);
    // Centre staff do not handle the platform's tickets (account problems).
    expect(TICKET_WORKFLOW.can(actor({ centres: new Map([[2, 'ADMIN']]) }), record('OPEN', null), 'answer')).toBe(false);
    // The author does not answer their own ticket, nor does anyone else close it.
    expect(TICKET_WORKFLOW.can(actor({ id: 7 }), r, 'answer')).toBe(false);
    expect(TICKET_WORKFLOW.can(actor({ id: 8 }), r, 'close')).toBe(false);
  });

  it('puts open tickets in the handlers\' queue only, and tells the author of an answer and the handlers of a reply', () => {
    expect(TICKET_WORKFLOW.awaitingStates('handler')).toEqual(['OPEN']);
    expect(TICKET_WORKFLOW.awaitingStates('author')).toEqual([]);
    const tells = (a: string) => TICKET_WORKFLOW.def.transitions.filter((t) => t.action === a).flatMap((t) => (t.tell ?? []).map((x) => `${x.to}:${x.template}`));
    expect([...new Set(tells('answer'))]).toEqual(['author:ticket-answered']);
    expect(tells('reply')).toEqual(['handlers:ticket-replied']);
    expect(tells('reopen')).toEqual([]);
  });
});

describe('the page a report is made from', () => {
  it('keeps a path of this site, without its query string, fragment or token-like segments', () => {
    expect(cleanPagePath('/agreements/42/follow-up?tab=steps#award')).toBe('/agreements/42/follow-up');
    expect(cleanPagePath('/sign/' + 'a'.repeat(43))).toBe('/sign/:token');
    expect(cleanPagePath('/students?q=Dubois')).toBe('/students');
    for (const bad of ['https://evil.example/x', '//evil.example', 'agreements/1', '/a b', '/x"onload', undefined, 42, '/' + 'x/'.repeat(200)]) expect(cleanPagePath(bad), String(bad)).toBe('/');
  });

  it('knows an agreement\'s pages', () => {
    expect(agreementOfPath('/agreements/42')).toBe(42);
    expect(agreementOfPath('/agreements/42/follow-up')).toBe(42);
    expect(agreementOfPath('/agreements/search')).toBeNull();
    expect(agreementOfPath('/agreements/42abc')).toBeNull();
  });
});
