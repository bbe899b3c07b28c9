import type { Formatters } from '../../i18n/format.js';
import { hasKey, type LocaleCode, type Translate } from '../../i18n/index.js';
import { label as nomenclatureLabel, type NomenclatureName } from '../../nomenclatures/index.js';
import { AGREEMENT_WORKFLOW } from '../agreements/agreements.workflow.js';
import { AMENDMENT_WORKFLOW } from '../amendments/amendments.workflow.js';
import { MIDTERM_WORKFLOW } from '../followup/midterm.workflow.js';
import { LABEL_AWARD_WORKFLOW } from '../label/award.workflow.js';
import { OFFER_WORKFLOW } from '../offers/offers.workflow.js';
import { SIGNATURE_WORKFLOW } from '../signatures/signatures.workflow.js';
import { maskNir } from '../students/nir.js';
import type { HistoryKind } from './history.scope.js';
import type { AuditRow } from './history.service.js';

/** One field of an audit row as shown: its value before and after (a creation has no before, a deletion no after). */
export interface HistoryChange {
  label: string;
  before: string | null;
  after: string | null;
  /** False for what the row only names (the state it started from, the agreement's number). */
  changed: boolean;
}

export interface HistoryEntry {
  id: string;
  at: Date;
  who: string;
  /** The actor was the platform itself or someone without an account (a link). */
  byPlatform: boolean;
  action: string;
  /** The part of the record the row is about (a signature, an amendment, a contact), null for the record itself. */
  part: string | null;
  changes: HistoryChange[];
}

// Never shown, not even as "masked": secrets and their hashes (audit.ts keeps most out already; old rows may not).
const NEVER_SHOWN = /password|hash|token|secret/i;
// Bookkeeping that says nothing of what changed.
const NOT_SHOWN = new Set(['id', 'createdAt', 'updatedAt', 'normalizedName', 'phoneDigits', 'faxDigits']);
// Personal data shown masked to everyone, as everywhere else: the NIR as on the student's page, the rest not at all.
const MASKED: Record<string, 'nir' | 'hidden'> = { ssn: 'nir', nir: 'nir', birthDate: 'hidden', clientIp: 'hidden', userAgent: 'hidden' };

/** The record's own entity type per kind: rows of other types are about one of its parts. */
const OWN_TYPE: Record<HistoryKind, string> = { agreement: 'Agreement', offer: 'Offer', organisation: 'Organisation', account: 'User' };

/** Where each entity's field labels live, the module's catalogue first; history.fields has the rest. */
const FIELD_LABELS: Record<string, string[]> = {
  Agreement: ['agreements.fields', 'amendments.fields'],
  AgreementAmendment: ['amendments.fields', 'agreements.fields'],
  Offer: ['offers.fields'],
  Organisation: ['organisations.fields'],
  Service: ['organisations.fields'],
  Contact: ['organisations.contacts'],
  User: ['students.fields'],
  StudentProfile: ['students.fields'],
};

/** Fields whose values are reference values (src/nomenclatures), labelled as everywhere. */
const NOMENCLATURE_OF: Record<string, NomenclatureName> = {
  civility: 'civility',
  insurance: 'insuranceAffiliation',
  role: 'companyRole',
  right: 'centreRight',
  headcount: 'headcountBand',
  structureType: 'structureType',
  legalStatus: 'legalStatus',
  educationLevel: 'educationLevel',
  workingTime: 'workingTime',
  paymentMethod: 'paymentMethod',
  payUnit: 'payUnit',
  country: 'country',
  rulesCountry: 'country',
  holidaysCountry: 'country',
};

// Names too common to mean one list everywhere: only on their entity.
const ENTITY_NOMENCLATURE: Record<string, Record<string, NomenclatureName>> = { Offer: { kind: 'offerKind' }, Agreement: { type: 'internshipType' } };

// The workflows whose rows carry a state: `<name>.<action>` rows label their `status` with it.
const WORKFLOWS = [AGREEMENT_WORKFLOW, AMENDMENT_WORKFLOW, SIGNATURE_WORKFLOW, MIDTERM_WORKFLOW, LABEL_AWARD_WORKFLOW, OFFER_WORKFLOW] as const;
const STATE_LABELS = new Map<string, (s: string) => string | null>(
  WORKFLOWS.map((w) => [w.def.name, (s: string) => ((w.states as readonly string[]).includes(s) ? `${w.def.i18n}.status.${s}` : null)]),
);

const MAX_TEXT = 200;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

interface Context {
  t: Translate;
  fmt: Formatters;
  locale: LocaleCode;
  entityType: string;
  workflow: string;
}

/** The action's label: history.actions.<prefix>.<rest> (further dots as "_"), the raw action when unknown. */
export function actionLabel(t: Translate, action: string): string {
  const [prefix, ...rest] = action.split('.');
  const key = `history.actions.${prefix}.${rest.join('_')}`;
  return rest.length && hasKey(key) ? t(key) : action;
}

/** Who acted: their name; without an account, the platform (a job) or the holder of an e-mailed link. */
function whoOf(t: Translate, r: AuditRow): { who: string; byPlatform: boolean } {
  if (r.actorFirstName !== null || r.actorLastName !== null) return { who: `${r.actorFirstName ?? ''} ${r.actorLastName ?? ''}`.trim(), byPlatform: false };
  const after = (r.after ?? {}) as Record<string, unknown>;
  const byLink = r.action === 'signature.sign' || after.via === 'link' || after.viaLink === true;
  return { who: t(byLink ? 'history.who.link' : 'history.who.system'), byPlatform: true };
}

/** A row's JSON as path → value: nested objects flattened ("user.email"), lists kept whole. */
function flatten(v: unknown, prefix = '', out = new Map<string, unknown>(), depth = 0): Map<string, unknown> {
  if (v === null || v === undefined) return out;
  if (typeof v !== 'object' || Array.isArray(v) || depth > 2) {
    if (prefix) out.set(prefix, v);
    return out;
  }
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (NEVER_SHOWN.test(k) || NOT_SHOWN.has(k)) continue;
    const path = prefix ? `${prefix}.${k}` : k;
    if (val && typeof val === 'object' && !Array.isArray(val)) flatten(val, path, out, depth + 1);
    else out.set(path, val);
  }
  return out;
}

function fieldLabel(c: Context, path: string): string {
  const field = path.split('.').at(-1)!;
  for (const ns of [...(FIELD_LABELS[c.entityType] ?? []), 'history.fields']) {
    const key = `${ns}.${field}`;
    // A catalogue entry with a parameter is a sentence, not a field's name.
    if (hasKey(key) && !c.t(key).includes('{')) return c.t(key);
  }
  return path;
}

function truncate(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

function valueOf(c: Context, path: string, v: unknown): string {
  const field = path.split('.').at(-1)!;
  if (v === null || v === undefined || v === '') return '—';
  const masked = MASKED[field];
  if (masked) return masked === 'nir' ? (maskNir(String(v)) ?? '—') : c.t('history.masked');
  if (typeof v === 'boolean') return c.t(v ? 'common.yes' : 'common.no');
  if (typeof v === 'number') return c.fmt.number(v);
  if (Array.isArray(v)) return v.every((x) => x === null || typeof x !== 'object') ? truncate(v.map((x) => valueOf(c, path, x)).join(', ')) : truncate(JSON.stringify(v));
  if (typeof v === 'object') return truncate(JSON.stringify(v));
  const s = String(v);
  if (ISO_INSTANT.test(s)) {
    const d = new Date(s);
    // A calendar date (@db.Date) is stored at midnight UTC.
    return s.includes('T00:00:00.000Z') ? c.fmt.shortDate(d) : c.fmt.shortDateTime(d);
  }
  if (field === 'status') {
    const key = STATE_LABELS.get(c.workflow)?.(s);
    if (key && hasKey(key)) return c.t(key);
  }
  const nomenclature = ENTITY_NOMENCLATURE[c.entityType]?.[field] ?? NOMENCLATURE_OF[field];
  if (nomenclature) return nomenclatureLabel(nomenclature, s, c.locale);
  return truncate(s);
}

/** The fields of a row: what changed from before to after, and what the row only names. */
function changesOf(c: Context, r: AuditRow): HistoryChange[] {
  const before = flatten(r.before);
  const after = flatten(r.after);
  const both = r.before != null && r.after != null;
  const out: HistoryChange[] = [];
  for (const path of new Set([...after.keys(), ...before.keys()])) {
    const b = before.get(path);
    const a = after.get(path);
    const label = fieldLabel(c, path);
    if (both && before.has(path) && after.has(path)) {
      if (JSON.stringify(a) === JSON.stringify(b)) continue;
      out.push({ label, before: valueOf(c, path, b), after: valueOf(c, path, a), changed: true });
    } else if (both) {
      // Named on one side only: context (where an engine row started from, the agreement it belongs to).
      out.push({ label, before: null, after: valueOf(c, path, before.has(path) ? b : a), changed: false });
    } else if (r.after != null) {
      out.push({ label, before: null, after: valueOf(c, path, a), changed: true });
    } else {
      out.push({ label, before: valueOf(c, path, b), after: null, changed: true });
    }
  }
  return out;
}

/** The rows of a history page as the view shows them: names, labels, values masked. */
export function presentHistory(rows: AuditRow[], kind: HistoryKind, t: Translate, fmt: Formatters, locale: LocaleCode): HistoryEntry[] {
  return rows.map((r) => {
    const c: Context = { t, fmt, locale, entityType: r.entityType, workflow: r.action.split('.')[0] };
    const partKey = `history.parts.${r.entityType}`;
    const part = r.entityType === OWN_TYPE[kind] ? null : hasKey(partKey) ? t(partKey) : r.entityType;
    return { id: r.id, at: r.createdAt, ...whoOf(t, r), action: actionLabel(t, r.action), part, changes: changesOf(c, r) };
  });
}
