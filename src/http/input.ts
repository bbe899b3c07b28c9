import type { NextFunction, Request, Response } from 'express';

/**
 * What a request may carry, cleaned once for every route: form bodies (URL-encoded here, multipart
 * in src/files/upload.ts) and query strings. A field is a string or a list of strings, nothing
 * else: a value of another shape (an object, a number…) becomes an empty string, so that no schema,
 * view or echo of the form ever meets one. Control characters are dropped: PostgreSQL refuses NUL
 * in text (error 22021, a 500 for a search with "%00"), and none of them has a meaning in a field
 * typed by a person. Tab, line feed and carriage return stay (text areas).
 */

// C0 controls but tab, LF and CR; DEL; the C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export type FieldValue = string | string[];
export type Fields = Record<string, FieldValue>;

export function cleanText(s: string): string {
  return s.replace(CONTROL, '');
}

/** One field: a string or a list of strings (their other items empty); anything else is empty. */
export function cleanValue(v: unknown): FieldValue {
  if (typeof v === 'string') return cleanText(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? cleanText(x) : ''));
  return '';
}

/**
 * A body or a query string as fields (null prototype, as Node's parsers make them: a field named
 * "__proto__" or "constructor" is only a field). Not an object: no field at all.
 */
export function cleanFields(input: unknown): Fields {
  const out = Object.create(null) as Fields;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return out;
  for (const [k, v] of Object.entries(input)) out[cleanText(k)] = cleanValue(v);
  return out;
}

/** The middleware, after the body parser: `req.body` (when parsed) and `req.query` cleaned. */
export function cleanInput(req: Request, _res: Response, next: NextFunction) {
  // A POST whose body no parser read (JSON, plain text, no content type) is an empty form rather
  // than `undefined`: handlers read `req.body.x` (a JSON body posted to an amendment was a 500).
  // Multipart bodies are parsed later, by the route's upload middleware, which sets req.body anew.
  if (req.body !== undefined || req.method === 'POST') req.body = cleanFields(req.body);
  // Express 5 parses `req.query` anew at each read (a getter): the cleaned copy takes its place.
  Object.defineProperty(req, 'query', { value: cleanFields(req.query), writable: true, enumerable: true, configurable: true });
  next();
}
