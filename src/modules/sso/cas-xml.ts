/**
 * The CAS service-validation answer (protocol v2 and v3: the same XML), read without an XML library:
 * the format is small and fixed (cas:serviceResponse holding cas:authenticationSuccess with cas:user
 * and cas:attributes, or cas:authenticationFailure with its code). Anything that is not well-formed
 * XML is a failure, never a success.
 */

export type CasAnswer = { ok: true; user: string; attributes: Record<string, string[]> } | { ok: false; code: string };

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

// One token at a time, anchored (sticky): CDATA, comment, declaration, tag, or text. A character
// that starts none of them stops the reading (the answer is malformed).
const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/y;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/gi, (m, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
    const code = e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/** Namespaces are not resolved: CAS servers all write the cas: prefix, and only local names are compared. */
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

function parse(xml: string): Element | null {
  const root: Element = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < xml.length) {
    const m = TOKEN.exec(xml);
    if (!m) return null;
    const top = stack[stack.length - 1];
    if (m[1] !== undefined) top.text += m[1];
    else if (m[6] !== undefined) top.text += decode(m[6]);
    else if (m[3] !== undefined) {
      const name = localName(m[3]);
      if (m[2]) {
        if (stack.length === 1 || top.name !== name) return null;
        stack.pop();
        continue;
      }
      const attrs: Record<string, string> = {};
      for (const a of m[4].matchAll(ATTR)) attrs[localName(a[1])] = decode(a[2] ?? a[3] ?? '');
      const el: Element = { name, attrs, children: [], text: '' };
      top.children.push(el);
      if (!m[5]) stack.push(el);
    }
  }
  return stack.length === 1 ? root : null;
}

const child = (el: Element | undefined, name: string) => el?.children.find((c) => c.name === name);

/** Reads a CAS validation answer; a malformed one is the failure "INVALID_RESPONSE". */
export function parseCasAnswer(xml: string): CasAnswer {
  const root = parse(xml);
  const response = child(root ?? undefined, 'serviceResponse');
  const success = child(response, 'authenticationSuccess');
  const user = child(success, 'user')?.text.trim();
  if (success && user) {
    const attributes: Record<string, string[]> = {};
    for (const a of child(success, 'attributes')?.children ?? []) (attributes[a.name] ??= []).push(a.text.trim());
    return { ok: true, user, attributes };
  }
  const failure = child(response, 'authenticationFailure');
  return { ok: false, code: failure?.attrs.code?.trim() || 'INVALID_RESPONSE' };
}
