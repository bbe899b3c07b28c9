import http from 'node:http';
import fc from 'fast-check';
import { roleCan } from '../../src/authz/policy.js';
import type { ListedRoute } from '../helpers/routes.js';
import { fill, paramNames, poolFor, realTuples, type Crawl, type Field, type RouteKnowledge } from './fuzz-forms.js';
import { editArb, enc, fileArb, fileBytes, JUNK_IDS, resolve, valueArb, type Edit, type FileDesc, type ValueDesc } from './fuzz-values.js';
import { roleOf, WHO, type FuzzWorld, type Who } from './fuzz-world.js';

/**
 * One generated request for a route, and how it is built. A case starts from a form the crawl met
 * (as the role that met it, on the record it was met on) or, for a route whose form was not met,
 * from field names met elsewhere; then it may change the role (one allowed, or any: anonymous
 * included), the path's ids (another record, in reach or not, or no record at all), edit fields,
 * add files, break the encoding, or leave out the CSRF token.
 */
export interface Case {
  base: number;
  who: { how: 'base' | 'allowed' | 'any'; i: number };
  ids: { how: 'base' | 'seen' | 'real' | 'mix'; i: number; mix: { junk: boolean; i: number }[] };
  encoding: 'form' | 'multipart' | 'json' | 'broken' | 'many';
  edits: Edit[];
  picks: number[];
  files: FileDesc[];
  csrf: 'ok' | 'missing' | 'wrong';
  query: { name: number; v: ValueDesc }[];
}

export function caseArb(route: ListedRoute): fc.Arbitrary<Case> {
  const isGet = route.method === 'GET';
  return fc.record({
    base: fc.nat(20),
    who: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Case['who']>({ how: 'base', i: 0 }) },
      { weight: 3, arbitrary: fc.nat(20).map((i) => ({ how: 'allowed' as const, i })) },
      { weight: 1, arbitrary: fc.nat(20).map((i) => ({ how: 'any' as const, i })) },
    ),
    ids: fc.record({
      how: fc.constantFrom('base', 'base', 'base', 'seen', 'real', 'mix'),
      i: fc.nat(60),
      mix: fc.array(fc.record({ junk: fc.boolean(), i: fc.nat(60) }), { minLength: 3, maxLength: 3 }),
    }),
    encoding: isGet
      ? fc.constant('form' as const)
      : fc.oneof(
          { weight: 20, arbitrary: fc.constant('form' as const) },
          { weight: 2, arbitrary: fc.constant('multipart' as const) },
          { weight: 1, arbitrary: fc.constantFrom('json' as const, 'broken' as const, 'many' as const) },
        ),
    edits: fc.array(editArb, { maxLength: 5 }),
    picks: fc.array(fc.nat(1000), { maxLength: 6 }),
    files: fc.array(fileArb, { maxLength: 2 }),
    csrf: fc.oneof({ weight: 24, arbitrary: fc.constant('ok' as const) }, { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'wrong' as const) }),
    query: isGet ? fc.constant<Case['query']>([]) : fc.oneof({ weight: 9, arbitrary: fc.constant<Case['query']>([]) }, { weight: 1, arbitrary: fc.array(fc.record({ name: fc.nat(1000), v: valueArb }), { minLength: 1, maxLength: 3 }) }),
  });
}

/** The request a case makes, resolved: what is sent and what a failure shows. */
export interface Built {
  who: Who;
  url: string;
  encoding: Case['encoding'];
  pairs: [string, string][];
  files: { field: string; bytes: Buffer; name: string; type: string }[];
}

const allowedWho = (r: ListedRoute) => WHO.filter((w) => roleCan(roleOf(w), r.permission!));

export function build(c: Case, route: ListedRoute, k: RouteKnowledge, crawl: Crawl, world: FuzzWorld): Built {
  const isGet = route.method === 'GET';
  const found = k.forms.length ? k.forms[c.base % (k.forms.length + 1)] : undefined;
  const allowed = allowedWho(route);
  const baseWho = found?.who ?? (allowed.length ? allowed[c.base % allowed.length] : 'anonymous');
  const who: Who = c.who.how === 'base' ? baseWho : c.who.how === 'allowed' && allowed.length ? allowed[c.who.i % allowed.length] : WHO[c.who.i % WHO.length];

  // The path.
  const names = paramNames(route.path);
  let url: string;
  if (!names.length) url = route.path.replace(/(.)\/$/, '$1');
  else if (c.ids.how === 'base' && found) url = found.url;
  else {
    const seen = k.params.filter((p) => p.who === who).concat(k.params);
    const real = realTuples(route.path, world);
    let tuple: string[] | undefined;
    if ((c.ids.how === 'base' || c.ids.how === 'seen') && seen.length) tuple = seen[c.ids.i % seen.length].values;
    else if (c.ids.how === 'real' && real.length) tuple = real[c.ids.i % real.length];
    tuple ??= names.map((n, j) => {
      const m = c.ids.mix[j % c.ids.mix.length];
      const pool = poolFor(route.path, n, world.pools);
      return m.junk || !pool.length ? JUNK_IDS[m.i % JUNK_IDS.length] : pool[m.i % pool.length];
    });
    url = fill(route.path, tuple);
  }

  // The fields: the form's, or names met elsewhere.
  const dict = [...crawl.dictionary.keys()].sort();
  const fields: Field[] = found ? found.form.fields.filter((f) => f.type !== 'file' && f.type !== 'button') : c.picks.map((i) => ({ name: dict[i % Math.max(1, dict.length)] ?? 'q', type: 'text', values: [] }));
  const hintsOf = (name: string, own: string[]) => [...own, ...(crawl.dictionary.get(name) ?? [])];
  const ids = world.allIds;
  let pairs: [string, string][] = fields.map((f) => [f.name, f.values[0] ?? '']);
  const fieldAt = (i: number) => fields[i % Math.max(1, fields.length)];
  for (const e of c.edits) {
    if (e.op === 'add') {
      const name = typeof e.name === 'number' ? (dict[e.name % Math.max(1, dict.length)] ?? 'x') : e.name;
      pairs.push([name, resolve(e.v, hintsOf(name, []), ids)]);
      continue;
    }
    const f = fieldAt(e.f);
    if (!f) continue;
    const hints = hintsOf(f.name, f.values);
    if (e.op === 'set') pairs = pairs.map(([n, v]) => [n, n === f.name ? resolve(e.v, hints, ids) : v]);
    else if (e.op === 'drop') pairs = pairs.filter(([n]) => n !== f.name);
    else if (e.op === 'dup') pairs.push([f.name, resolve(e.v, hints, ids)]);
    else pairs = pairs.map(([n, v]) => [n === f.name ? `${n}[x]` : n, v]);
  }
  for (const q of c.query) {
    const name = dict[q.name % Math.max(1, dict.length)] ?? 'q';
    url += `${url.includes('?') ? '&' : '?'}${enc(name)}=${enc(resolve(q.v, hintsOf(name, []), ids))}`;
  }
  if (!isGet) {
    pairs = pairs.filter(([n]) => n !== '_csrf');
    if (c.csrf === 'ok') pairs.unshift(['_csrf', world.session(who).csrf]);
    else if (c.csrf === 'wrong') pairs.unshift(['_csrf', 'not-the-token']);
  }

  // Files: in the form's file fields (or a made-up one), when the body is multipart.
  const fileFields = found?.form.fields.filter((f) => f.type === 'file').map((f) => f.name) ?? [];
  const multipart = !isGet && (c.encoding === 'multipart' || (found?.form.multipart && c.encoding === 'form'));
  const files = multipart
    ? c.files.map((f) => ({ field: fileFields.length ? fileFields[f.field % fileFields.length] : ['file', 'cv', 'logo', 'attachment', 'letter', 'csv'][f.field], bytes: fileBytes(f), name: f.name, type: f.type }))
    : [];
  return { who, url, encoding: multipart ? 'multipart' : c.encoding, pairs, files };
}

/** Sends a built case; the answer's status (0 when the client itself could not send it). */
export async function send(b: Built, method: string, world: FuzzWorld): Promise<{ status: number; text: string; clientError?: string }> {
  const token = world.session(b.who).csrf;
  let sentUrl = b.url;
  try {
    if (method === 'GET') {
      const qs = b.pairs.map(([n, v]) => `${enc(n)}=${enc(v)}`).join('&');
      const url = qs ? `${b.url}${b.url.includes('?') ? '&' : '?'}${qs}` : b.url;
      sentUrl = url;
      const res = await world.request(b.who, 'get', url);
      return { status: res.status, text: res.text ?? '' };
    }
    const req = world.request(b.who, 'post', b.url);
    if (b.encoding === 'multipart') {
      for (const [n, v] of b.pairs) if (n) req.field(n, v);
      for (const f of b.files) req.attach(f.field, f.bytes, { filename: f.name || 'file', contentType: f.type || 'application/octet-stream' });
      if (!b.pairs.length && !b.files.length) req.field('x', '');
    } else if (b.encoding === 'json') {
      req.set('Content-Type', 'application/json').set('x-csrf-token', token).send(JSON.stringify(Object.fromEntries(b.pairs)));
    } else {
      let body = b.pairs.map(([n, v]) => `${enc(n)}=${enc(v)}`).join('&');
      // An escape left unfinished, an invalid UTF-8 sequence, empty pairs: what a broken client sends.
      if (b.encoding === 'broken') body = `${body}&%E2%82=%&&=x&%FF%FE=%C3%28&a=%ZZ`;
      if (b.encoding === 'many') body = `${body}&${Array.from({ length: 600 }, (_, i) => `f${i}=1`).join('&')}`;
      req.set('Content-Type', 'application/x-www-form-urlencoded').send(body);
    }
    const res = await req;
    return { status: res.status, text: res.text ?? '' };
  } catch (err) {
    const e = err as { code?: string; message?: string; timeout?: number; response?: { status: number; text: string } };
    if (e.response) return { status: e.response.status, text: e.response.text };
    // Node's HTTP server itself refuses a request line over its header limit (16 KB) before the
    // app sees it: a 431 on Node 20, a connection reset while the client still sends on Node 24.
    if (sentUrl.length > http.maxHeaderSize - 2048 && /ECONNRESET|EPIPE|socket hang up/.test(`${e.code ?? ''} ${e.message ?? ''}`)) return { status: 431, text: '' };
    if (e.timeout) return { status: -1, text: '', clientError: `no answer within ${e.timeout} ms` };
    return { status: 0, text: '', clientError: `${e.code ?? ''} ${e.message ?? String(err)}` };
  }
}

/** A built case in a few lines: long values shortened (a 100 kB field shows as its start and length). */
export function describeBuilt(b: Built, method: string): string {
  const short = (s: string) => {
    const j = JSON.stringify(s);
    return j.length > 80 ? `${j.slice(0, 60)}…" (${s.length} chars)` : j;
  };
  const lines = [`${method} ${b.url} as ${b.who} (${b.encoding})`];
  for (const [n, v] of b.pairs) lines.push(`  ${short(n)} = ${n === '_csrf' ? '<token>' : short(v)}`);
  for (const f of b.files) lines.push(`  file ${short(f.field)}: ${short(f.name)}, ${f.type}, ${f.bytes.length} bytes`);
  return lines.join('\n');
}
