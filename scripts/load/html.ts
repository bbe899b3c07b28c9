// What a browser does with a page, in the few ways the journeys need: keep cookies, read a form's
// fields as it would submit them, find links, and build a multipart body (files to upload).
import { randomBytes } from 'node:crypto';

const decode = (s: string) =>
  s.replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot|apos|#39);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos' || k === '#39') return "'";
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith('#')) return String.fromCodePoint(parseInt(k.slice(1), 10));
    return m;
  });

const attr = (tag: string, name: string): string | null => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decode(m[1] ?? m[2] ?? m[3] ?? '') : null;
};
const has = (tag: string, name: string) => new RegExp(`\\s${name}(\\s|=|>|/)`, 'i').test(tag);

/** The first form whose action matches, as [name, value] pairs a browser would send (no button), or null. */
export function formFields(html: string, action: RegExp): [string, string][] | null {
  const forms = html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/gi);
  for (const [form] of forms) {
    const open = /^<form\b[^>]*>/i.exec(form)![0];
    if (!action.test(attr(open, 'action') ?? '')) continue;
    const out: [string, string][] = [];
    // In document order: inputs, selects and textareas.
    for (const m of form.matchAll(/<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>|<textarea\b[^>]*>[\s\S]*?<\/textarea>/gi)) {
      const el = m[0];
      const tag = /^<[^>]*>/.exec(el)![0];
      const name = attr(tag, 'name');
      if (!name || has(tag, 'disabled')) continue;
      if (/^<input/i.test(el)) {
        const type = (attr(tag, 'type') ?? 'text').toLowerCase();
        if (['submit', 'button', 'reset', 'image', 'file'].includes(type)) continue;
        if ((type === 'radio' || type === 'checkbox') && !has(tag, 'checked')) continue;
        out.push([name, attr(tag, 'value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '')]);
      } else if (/^<select/i.test(el)) {
        const options = [...el.matchAll(/<option\b[^>]*>/gi)].map((o) => o[0]);
        const chosen = options.find((o) => has(o, 'selected')) ?? options[0];
        if (chosen) out.push([name, attr(chosen, 'value') ?? '']);
      } else {
        out.push([name, decode(el.replace(/^<textarea\b[^>]*>/i, '').replace(/<\/textarea>$/i, '').replace(/^\n/, ''))]);
      }
    }
    return out;
  }
  return null;
}

/** Every radio group of a form: name → its values (to choose an answer as a person would). */
export function radioGroups(html: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [tag] of html.matchAll(/<input\b[^>]*type=["']?radio[^>]*>/gi)) {
    const name = attr(tag, 'name');
    if (!name) continue;
    groups.set(name, [...(groups.get(name) ?? []), attr(tag, 'value') ?? 'on']);
  }
  return groups;
}

/** The CSRF token of the page (every form carries the session's one). */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;

/** The distinct numbers of the links matching `re` (its first group), in page order. */
export function linkIds(html: string, re: RegExp): number[] {
  const ids = new Set<number>();
  for (const m of html.matchAll(new RegExp(re.source, 'g'))) ids.add(Number(m[1]));
  return [...ids];
}

export const urlencoded = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

/** A multipart/form-data body: the fields, then the files (each a name, a file name, a type and its bytes). */
export function multipart(fields: [string, string][], files: { field: string; filename: string; type: string; data: Buffer }[]) {
  const boundary = `----load${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of fields) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`));
    parts.push(f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The bench's cookie jar, under the journeys' name. */
export { CookieJar as Jar } from '../../bench/client.js';
