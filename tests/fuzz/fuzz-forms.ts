import type { ListedRoute } from '../helpers/routes.js';
import type { FuzzWorld, Pools, Who } from './fuzz-world.js';

/**
 * What the fuzzer knows of the app's forms: read from the pages themselves, the way a browser
 * sees them. A short crawl, per role, of the GET pages of the routes a file fuzzes gives
 *  - each form found (its action, method, enctype, fields with their kinds, values and options),
 *    indexed by the route its action matches: the cases start from a form as a person gets it
 *    (a real agreement in the right state, a select's real options) and break it from there;
 *  - the concrete paths met in links and actions (ids in each role's reach), per route;
 *  - every field name and value seen anywhere, for routes whose form was not met.
 */

export interface Field {
  name: string;
  /** text, textarea, select, checkbox, radio, hidden, date, number, email, file… */
  type: string;
  /** The value the page gave (or checked), then a select's or radio group's other options. */
  values: string[];
}

export interface Form {
  action: string;
  method: 'get' | 'post';
  multipart: boolean;
  fields: Field[];
}

/** A form met on a page: who saw it and where it posts (its action, query string dropped). */
export interface FoundForm {
  who: Who;
  url: string;
  form: Form;
}

export interface RouteKnowledge {
  forms: FoundForm[];
  /** Concrete values of the route's path parameters, met in links and form actions (with who met them). */
  params: { who: Who; values: string[] }[];
}

const attr = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`, 'i'))?.[1] ?? null;
export const unescapeHtml = (s: string) =>
  s.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every form of a page but the header's (language, sign-out), with its fields. */
export function formsOf(html: string): Form[] {
  const out: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const action = unescapeHtml(attr(m[1], 'action') ?? '');
    if (/^\/(lang|logout)$/.test(action)) continue;
    const fields = new Map<string, Field>();
    const add = (name: string, type: string, value: string | null, first: boolean) => {
      const f = fields.get(name) ?? { name, type, values: [] };
      fields.set(name, f);
      if (value === null || f.values.includes(value)) return;
      if (first) f.values.unshift(value);
      else f.values.push(value);
    };
    for (const tag of m[2].match(/<input\b[^>]*>/gi) ?? []) {
      const name = attr(tag, 'name');
      const type = (attr(tag, 'type') ?? 'text').toLowerCase();
      if (!name || type === 'submit' || type === 'button') continue;
      const value = unescapeHtml(attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : ''));
      add(unescapeHtml(name), type, type === 'file' ? null : value, /\schecked\b/i.test(tag));
    }
    for (const sel of m[2].matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attr(sel[1], 'name');
      if (!name) continue;
      add(unescapeHtml(name), 'select', null, false);
      for (const o of sel[2].matchAll(/<option\b([^>]*)>/gi)) add(unescapeHtml(name), 'select', unescapeHtml(attr(o[1], 'value') ?? ''), /\sselected\b/i.test(o[1]));
    }
    for (const ta of m[2].matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
      const name = attr(ta[1], 'name');
      if (name) add(unescapeHtml(name), 'textarea', unescapeHtml(ta[2]), true);
    }
    // A button's name and value are sent when it is the one pressed ("save as preset", a wizard's "back").
    for (const b of m[2].matchAll(/<button\b([^>]*)>/gi)) {
      const name = attr(b[1], 'name');
      if (name) add(unescapeHtml(name), 'button', unescapeHtml(attr(b[1], 'value') ?? ''), false);
    }
    out.push({
      action,
      method: (attr(m[1], 'method') ?? 'get').toLowerCase() === 'post' ? 'post' : 'get',
      multipart: /multipart\/form-data/i.test(attr(m[1], 'enctype') ?? ''),
      fields: [...fields.values()],
    });
  }
  return out;
}

/** The route's path as a regular expression capturing its parameters ("/a/:id/b" → ^/a/([^/?#]+)/b/?$). */
export function routeRegex(path: string): RegExp {
  const body = path.replace(/\/$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '([^/?#]+)');
  return new RegExp(`^${body}/?$`);
}

export const paramNames = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** Pages the crawl never opens: files, PDFs, exports and calendars cost much and hold no form. */
const NOT_A_PAGE = /\.(pdf|csv|xlsx|ics|ico)$|\/(cv|logo\/image|attachment|file|files\/:fileId|html|scan|example\.csv)$|^\/(healthz|logout)$|^\/sso\/|^\/password\/reset\/:token$/;

export class Crawl {
  readonly knowledge = new Map<string, RouteKnowledge>();
  /** Every field met, by name: the values seen (for routes whose form was not met). */
  readonly dictionary = new Map<string, Set<string>>();
  pages = 0;

  constructor(
    private readonly world: FuzzWorld,
    private readonly routes: ListedRoute[],
  ) {
    for (const r of routes) this.knowledge.set(key(r), { forms: [], params: [] });
  }

  /** Opens, as each role allowed to, the GET pages of the routes given (list pages first, so their links fill the detail pages' ids). */
  async run(pages: ListedRoute[], canSee: (who: Who, r: ListedRoute) => boolean, perRoute: number) {
    const ordered = pages.filter((p) => p.method === 'GET' && !NOT_A_PAGE.test(p.path)).sort((a, b) => paramNames(a.path).length - paramNames(b.path).length);
    for (const who of this.world.sessions.keys()) {
      for (const p of ordered) {
        if (!canSee(who, p)) continue;
        for (const url of this.urlsFor(p, who, perRoute)) await this.visit(who, url);
      }
    }
  }

  /** Concrete paths for a route: first those met in links, then real ids of the right kind. */
  urlsFor(r: ListedRoute, who: Who, n: number): string[] {
    const names = paramNames(r.path);
    if (!names.length) return [r.path.replace(/(.)\/$/, '$1')];
    const seen = this.knowledge.get(key(r))?.params ?? [];
    const tuples = [...seen.filter((s) => s.who === who), ...seen].map((s) => s.values);
    for (const t of realTuples(r.path, this.world)) tuples.push(t);
    const out = new Set<string>();
    for (const t of tuples) {
      if (out.size >= n) break;
      out.add(fill(r.path, t));
    }
    return [...out];
  }

  private async visit(who: Who, url: string) {
    const res = await this.world.request(who, 'get', url);
    this.pages++;
    if (res.status !== 200 || !/text\/html/.test(res.headers['content-type'] ?? '')) return;
    const html = res.text;
    for (const form of formsOf(html)) {
      for (const f of form.fields) {
        const d = this.dictionary.get(f.name) ?? new Set<string>();
        this.dictionary.set(f.name, d);
        for (const v of f.values.slice(0, 20)) d.add(v);
      }
      const action = (form.action || url).split('?')[0];
      const r = this.match(form.method === 'post' ? 'POST' : 'GET', action);
      if (!r) continue;
      const k = this.knowledge.get(key(r))!;
      if (k.forms.length < 12 && !k.forms.some((f) => f.who === who && f.url === action)) k.forms.push({ who, url: action, form });
    }
    for (const m of html.matchAll(/\s(?:href|action)="(\/[^"]*)"/g)) {
      const path = unescapeHtml(m[1]).split(/[?#]/)[0];
      for (const r of this.routes) {
        const got = path.match(routeRegex(r.path));
        if (!got || got.length < 2) continue;
        const k = this.knowledge.get(key(r))!;
        const values = got.slice(1);
        if (k.params.length < 40 && !k.params.some((p) => p.who === who && p.values.join('/') === values.join('/'))) k.params.push({ who, values });
      }
    }
  }

  private match(method: string, path: string): ListedRoute | undefined {
    return this.routes.find((r) => r.method === method && routeRegex(r.path).test(path));
  }
}

export const key = (r: ListedRoute) => `${r.method} ${r.path}`;

export function fill(path: string, values: string[]): string {
  let i = 0;
  return path.replace(/:(\w+)/g, () => values[i++] ?? '0').replace(/(.)\/$/, '$1');
}

/** The kind of record (a pool of FuzzWorld) a path parameter names. */
export function kindOf(path: string, name: string): string | null {
  const byName: Record<string, string> = {
    staffId: 'CentreStaff', serviceId: 'Service', contactId: 'Contact', organisationId: 'Organisation', memberId: 'CompanyMembership',
    sid: 'AgreementSignature', seq: 'seq', entryId: 'JournalEntry', centreId: 'ManagementCentre', requestId: 'InternshipRequest',
    offerId: 'Offer', fileId: 'StoredFile', applicationId: 'Application', agreementId: 'Agreement', institutionId: 'Institution',
  };
  if (name !== 'id') return byName[name] ?? null;
  const byPrefix: [RegExp, string][] = [
    [/^\/admin\/institutions\//, 'Institution'], [/^\/admin\/programmes\//, 'Programme'], [/^\/admin\/study-years\//, 'StudyYear'],
    [/^\/admin\/academic-years\//, 'AcademicYear'], [/^\/admin\/users\//, 'User'], [/^\/admin\/legal-parameters\//, 'LegalParameter'],
    [/^\/centres\//, 'ManagementCentre'], [/^\/dev\/mailbox\//, 'OutboxEmail'], [/^\/organisations\//, 'Organisation'],
    [/^\/students\//, 'StudentProfile'], [/^\/offers\//, 'Offer'], [/^\/agreements\/export\/presets\//, 'ExportPreset'],
    [/^\/agreements\//, 'Agreement'], [/^\/requests\//, 'InternshipRequest'], [/^\/applications\//, 'Application'],
    [/^\/sheets\//, 'InternshipSheet'], [/^\/documents\//, 'UsefulDocument'], [/^\/tickets\//, 'Ticket'],
  ];
  return byPrefix.find(([re]) => re.test(path))?.[1] ?? null;
}

/** Tuples of ids that belong together for a route's parameters, then each parameter from its pool. */
export function realTuples(path: string, world: FuzzWorld): string[][] {
  const names = paramNames(path);
  const pair = (k: string) => world.pairs[k] ?? [];
  if (/^\/agreements\/:id\/amendments\/:seq\/signatures\/:sid/.test(path)) return world.triples;
  const byShape: [RegExp, string][] = [
    [/^\/agreements\/:id\/signatures\/:sid/, 'Agreement/AgreementSignature'], [/^\/agreements\/:id\/amendments\/:seq/, 'Agreement/seq'],
    [/^\/agreements\/:id\/journal\/:entryId/, 'Agreement/JournalEntry'], [/^\/organisations\/:id\/services\/:serviceId/, 'Organisation/Service'],
    [/^\/organisations\/:id\/contacts\/:contactId/, 'Organisation/Contact'], [/^\/company\/:organisationId\/contacts\/:memberId/, 'Organisation/CompanyMembership'],
    [/^\/centres\/:id\/staff\/:staffId/, 'ManagementCentre/CentreStaff'], [/^\/documents\/centres\/:centreId\/:id/, 'ManagementCentre/UsefulDocument'],
    [/^\/applications\/:id\/files\/:fileId/, 'Application/StoredFile'], [/^\/tickets\/:id\/files\/:fileId/, 'Ticket/StoredFile'],
  ];
  const shaped = byShape.find(([re]) => re.test(path));
  if (shaped && names.length === 2) return pair(shaped[1]);
  const pools = names.map((n) => poolFor(path, n, world.pools));
  const longest = Math.max(0, ...pools.map((p) => p.length));
  return Array.from({ length: longest }, (_, i) => pools.map((p) => p[i % Math.max(1, p.length)] ?? '0'));
}

export function poolFor(path: string, name: string, pools: Pools): string[] {
  if (name === 'kind') return ['company', 'academic', 'student'];
  const kind = kindOf(path, name);
  if (name === 'id' && kind === 'StudentProfile') return [...(pools.StudentProfile ?? []), ...(pools.User ?? [])];
  return kind ? (pools[kind] ?? []) : [];
}
