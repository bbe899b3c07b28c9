import type { z } from 'zod';
import type { Act } from '../act.js';
import { audit } from '../audit/audit.js';
import type { Actor } from '../authz/actor.js';
import type { Tx } from '../db/client.js';
import { forbidden, WrongStateError } from '../errors.js';
import { parse } from '../http/validate.js';
import { isLocale } from '../i18n/index.js';
import { queueEmails, type QueueEmail } from '../mail/outbox.js';
import type { CalendarDate } from '../time/calendar.js';

/**
 * The workflow engine. A definition declares a record's states, its parties (who is who towards
 * one record: a predicate on the actor and the record), its transitions (from, to, which parties
 * may, what the action needs from a form, who is told with which template, whether the platform
 * does it by itself), its deadlines and reminders, and where its labels live. The engine answers
 * `can`, `availableActions` (the buttons of a page), what awaits a party, and `apply`s a
 * transition: state change, audit row and outbox mails in the caller's transaction; 403 for the
 * wrong person, 422 for the wrong state. Every workflow of the platform is such a definition.
 */

/** Who is who towards one record; `actor` is null when the platform acts (a job). */
export type PartyRule<R> = (actor: Actor | null, record: R) => boolean;

export interface Tell<To extends string = string> {
  to: To;
  /** views/emails/<template>.{html,text}.ejs */
  template: string;
}

export interface Transition<S extends string, A extends string, R, P extends string, N extends string = string, To extends string = string> {
  action: A;
  from: readonly S[];
  /** The new state; 'same' for an action that does not move the record (an edit, a copy). */
  to: S | 'same';
  /** The parties that may take it. */
  by: readonly P[];
  /** A condition on the record besides the party (a company offer, not a school one). */
  when?: (record: R) => boolean;
  /** The form the action needs (a key of the definition's `forms`): its fields are asked beside the button. */
  needs?: N;
  /** Who is told, with which template (never the actor themselves). */
  tell?: readonly Tell<To>[];
  /** Done by the platform (a job, or a side effect such as a first reading): never a button. */
  automatic?: true;
  /** Something its parties are expected to do: it puts the record in their "awaiting" lists. */
  awaits?: true;
  /** Shown as a link to a page of its own (an edit form) rather than a button. */
  page?: true;
  /** How its button looks. */
  tone?: 'primary' | 'secondary' | 'danger';
}

/**
 * How a state is shown: the colour of its badge (views/partials/status-badge.ejs, layout.css),
 * the same for a state on every page.
 */
export type StatusTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** A date of the record by which something must happen, with the reminders that precede it. */
export interface Deadline<S extends string, A extends string, R, To extends string = string> {
  /** While the record is in one of these states. */
  states: readonly S[];
  /** The due day (null: no deadline for this record). */
  due: (record: R) => CalendarDate | null;
  /** What the platform does once the day is reached (an automatic transition), if anything. */
  then?: A;
  /** Mails sent `daysBefore` the due day (negative: after it). */
  reminders?: readonly { daysBefore: number; tell: readonly Tell<To>[] }[];
}

export interface WorkflowDefinition<S extends string, A extends string, R extends { status: S }, P extends string, N extends string = never, To extends string = string> {
  /** Audit actions are `<name>.<action>`; labels `<i18n>.status.<state>` and `<i18n>.action.<action>`. */
  name: string;
  /** The audit rows' entityType. */
  entity: string;
  i18n: string;
  states: readonly S[];
  /**
   * The tone of each state's badge, declared once for every list and page that shows it (a
   * workflow whose states are shown lists them all: tests/integration/badges.test.ts checks it).
   */
  tones?: Record<S, StatusTone>;
  /** The icon of an action's button (views/partials/icon.ejs), when it has one: the same gesture, the same icon. */
  icons?: Partial<Record<A, string>>;
  parties: Record<P, PartyRule<R>>;
  transitions: readonly Transition<S, A, R, P, N, To>[];
  /** The schemas of the forms that transitions need, by name. */
  forms?: Record<N, z.ZodType>;
  deadlines?: readonly Deadline<S, A, R, To>[];
  /** Named sets of states that lists and tabs filter on ("current", "ended"…). */
  groups?: Record<string, readonly S[]>;
  /** The audit action of a transition, when not `<name>.<action>`. */
  auditAction?: (action: A) => string;
}

/** A button (or link) of a record's page, as the views draw it. */
export interface ActionView<A extends string = string, N extends string = string> {
  action: A;
  label: string;
  needs: N | null;
  page: boolean;
  tone: 'primary' | 'secondary' | 'danger';
  icon: string | null;
}

export type Check<T> = { ok: true; transition: T } | { ok: false; reason: 'state' | 'role' };

export interface Recipient {
  id: number;
  email: string;
  firstName: string;
  locale: string;
}

export interface ApplyOptions<S extends string, A extends string, R extends { status: S }, P extends string, N extends string, To extends string, U> {
  act: Act<Actor | null>;
  /** The record as read (and locked) in this transaction. */
  record: R;
  /** Its id for the audit row. */
  id: number | string;
  action: A;
  /** Writes the change (the new state, and whatever the action changes besides); returns the record after. */
  write: (to: S, transition: Transition<S, A, R, P, N, To>) => Promise<U>;
  /** The people behind a `tell` entry. */
  recipients: (to: To, after: U) => Promise<Recipient[]>;
  /** The data of a mail for one recipient. */
  mail: (template: string, recipient: Recipient, after: U) => Record<string, unknown>;
  /** What the audit row keeps besides the state. */
  audit?: { before?: Record<string, unknown>; after?: (after: U) => Record<string, unknown> };
}

export class Workflow<S extends string, A extends string, R extends { status: S }, P extends string, N extends string = never, To extends string = string> {
  constructor(readonly def: WorkflowDefinition<S, A, R, P, N, To>) {
    for (const t of def.transitions) {
      for (const s of [...t.from, ...(t.to === 'same' ? [] : [t.to])]) if (!def.states.includes(s)) throw new Error(`${def.name}: unknown state ${s} in ${t.action}`);
      if (t.needs && !def.forms?.[t.needs]) throw new Error(`${def.name}: no form ${t.needs} for ${t.action}`);
    }
  }

  get states(): readonly S[] {
    return this.def.states;
  }

  /** Every action of the definition, once, in table order. */
  get actions(): A[] {
    return [...new Set(this.def.transitions.map((t) => t.action))];
  }

  /** The actions a person may ask for (not the platform's own). */
  get manualActions(): A[] {
    return [...new Set(this.def.transitions.filter((t) => !t.automatic).map((t) => t.action))];
  }

  isAction(v: unknown): v is A {
    return typeof v === 'string' && this.actions.includes(v as A);
  }

  group(name: string): S[] {
    const g = this.def.groups?.[name];
    if (!g) throw new Error(`${this.def.name}: no group ${name}`);
    return [...g];
  }

  stateLabel(state: S): string {
    return `${this.def.i18n}.status.${state}`;
  }

  stateTone(state: S): StatusTone {
    return this.def.tones?.[state] ?? 'neutral';
  }

  actionLabel(action: A): string {
    return `${this.def.i18n}.action.${action}`;
  }

  private allows(t: Transition<S, A, R, P, N, To>, actor: Actor | null, record: R): boolean {
    return t.by.some((p) => this.def.parties[p](actor, record)) && (t.when?.(record) ?? true);
  }

  /** The row that applies (the first whose state, party and condition match), or why none does. */
  check(actor: Actor | null, record: R, action: A): Check<Transition<S, A, R, P, N, To>> {
    const rows = this.def.transitions.filter((t) => t.action === action && t.from.includes(record.status));
    if (!rows.length) return { ok: false, reason: 'state' };
    const row = rows.find((t) => this.allows(t, actor, record));
    return row ? { ok: true, transition: row } : { ok: false, reason: 'role' };
  }

  can(actor: Actor | null, record: R, action: A): boolean {
    return this.check(actor, record, action).ok;
  }

  /** The check as an exception: 422 for the wrong state, 403 for the wrong person. */
  require(actor: Actor | null, record: R, action: A): Transition<S, A, R, P, N, To> {
    const c = this.check(actor, record, action);
    if (!c.ok) throw c.reason === 'state' ? new WrongStateError(action, record.status) : forbidden();
    return c.transition;
  }

  /** The state the record reaches by the transition. */
  target(t: Transition<S, A, R, P, N, To>, record: R): S {
    return t.to === 'same' ? record.status : t.to;
  }

  /** The buttons of the record's page for this actor, in table order. */
  availableActions(actor: Actor | null, record: R): ActionView<A, N>[] {
    const out = new Map<A, ActionView<A, N>>();
    for (const t of this.def.transitions) {
      if (t.automatic || out.has(t.action) || !t.from.includes(record.status) || !this.allows(t, actor, record)) continue;
      out.set(t.action, { action: t.action, label: this.actionLabel(t.action), needs: t.needs ?? null, page: !!t.page, tone: t.tone ?? 'secondary', icon: this.def.icons?.[t.action] ?? null });
    }
    return [...out.values()];
  }

  /** The actions one party has on a record (its state and conditions), whoever holds the party. */
  actionsOf(party: P, record: R): A[] {
    const out: A[] = [];
    for (const t of this.def.transitions) {
      if (t.automatic || out.includes(t.action) || !t.from.includes(record.status) || !t.by.includes(party)) continue;
      if (t.when?.(record) ?? true) out.push(t.action);
    }
    return out;
  }

  /** The states in which a record awaits something from the party (its to-do lists). */
  awaitingStates(party: P): S[] {
    const out = new Set<S>();
    for (const t of this.def.transitions) if (t.awaits && t.by.includes(party)) for (const s of t.from) out.add(s);
    return this.def.states.filter((s) => out.has(s));
  }

  /** Does the record await something from this actor? */
  awaits(actor: Actor | null, record: R): boolean {
    return this.def.transitions.some((t) => t.awaits && t.from.includes(record.status) && this.allows(t, actor, record));
  }

  /** The input a transition's form gives, parsed with its schema (a ValidationError → 422). */
  input<T = unknown>(t: Transition<S, A, R, P, N, To>, body: unknown): T | undefined {
    return t.needs ? (parse(this.def.forms![t.needs], body) as T) : undefined;
  }

  /** The deadline that applies to the record now, if any. */
  deadline(record: R): { due: CalendarDate; deadline: Deadline<S, A, R, To> } | null {
    for (const d of this.def.deadlines ?? []) {
      if (!d.states.includes(record.status)) continue;
      const due = d.due(record);
      if (due) return { due, deadline: d };
    }
    return null;
  }

  /** The reminders due on `today` for the record (those whose day is exactly today). */
  remindersDue(record: R, today: CalendarDate): readonly Tell<To>[] {
    const d = this.deadline(record);
    if (!d) return [];
    return (d.deadline.reminders ?? []).filter((r) => d.due.addDays(-r.daysBefore).equals(today)).flatMap((r) => r.tell);
  }

  /**
   * Applies one transition in the caller's transaction: the check (403/422), the write, one audit
   * row (`<name>.<action>`, the states before and after), and the mails of `tell` to everyone but
   * the actor. The caller has read the record in `tx` (locked when others may change it).
   */
  async apply<U>(tx: Tx, o: ApplyOptions<S, A, R, P, N, To, U>): Promise<{ after: U; to: S; transition: Transition<S, A, R, P, N, To> }> {
    const transition = this.require(o.act.actor, o.record, o.action);
    const to = this.target(transition, o.record);
    const after = await o.write(to, transition);
    await audit(tx, {
      actorId: o.act.actor?.id ?? null,
      action: this.def.auditAction ? this.def.auditAction(o.action) : `${this.def.name}.${o.action}`,
      entityType: this.def.entity,
      entityId: o.id,
      before: { status: o.record.status, ...o.audit?.before },
      after: { status: to, ...o.audit?.after?.(after) },
      requestId: o.act.requestId,
    });
    await this.tell(tx, transition.tell ?? [], o.act, after, o.recipients, o.mail);
    return { after, to, transition };
  }

  /** Queues the mails of `tell` entries (used by apply, and by reminder jobs). */
  async tell<U>(tx: Tx, tell: readonly Tell<To>[], act: Act<Actor | null>, after: U, recipients: ApplyOptions<S, A, R, P, N, To, U>['recipients'], mail: ApplyOptions<S, A, R, P, N, To, U>['mail']) {
    const msgs: QueueEmail[] = [];
    for (const { to, template } of tell) {
      for (const u of await recipients(to, after)) {
        if (act.actor && u.id === act.actor.id) continue;
        msgs.push({ to: u.email, template, locale: isLocale(u.locale) ? u.locale : 'fr', data: mail(template, u, after) });
      }
    }
    await queueEmails(tx, msgs);
  }
}

export function defineWorkflow<S extends string, A extends string, R extends { status: S }, P extends string, N extends string = never, To extends string = string>(
  def: WorkflowDefinition<S, A, R, P, N, To>,
): Workflow<S, A, R, P, N, To> {
  return new Workflow(def);
}
