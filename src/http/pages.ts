import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { act as actOf } from './act.js';
import { allow } from '../authz/guard.js';
import type { Permission } from '../authz/policy.js';
import { AppError, InUseError, ValidationError } from '../errors.js';
import { cleanFields } from './input.js';
import { pageParam } from './pagination.js';
import { fieldErrors } from './validate.js';

export { actOf as act };

/**
 * What went wrong with an action posted from a detail page: the page is shown again (422) with
 * the messages. `errors` go beside the fields of the action's form, `formError` (a catalogue key
 * or an error code, see res.locals.msg) at the top of the error summary.
 */
export interface PageProblem {
  status: number;
  errors: Record<string, string>;
  formError: string | null;
  /** The body posted, so that the action's fields keep what was typed. */
  values: Record<string, unknown>;
  /** What still references a record whose deletion was refused. */
  references?: { labelKey: string; count: number }[];
}

/** Renders a detail page; with a problem, as the answer to a refused action. */
export type DetailPage = (req: Request, res: Response, problem?: PageProblem) => Promise<void>;

/** The problem an error is, when it is one a user can mend (422); null for the others (403, 404, 500…). */
export function problemOf(err: unknown, body: unknown): PageProblem | null {
  if (!(err instanceof AppError) || err.status !== 422) return null;
  const values: Record<string, unknown> = { ...cleanFields(body) };
  delete values._csrf;
  if (err instanceof ValidationError) return { status: 422, errors: err.fields, formError: err.fields._form ?? null, values };
  if (err instanceof InUseError) return { status: 422, errors: {}, formError: err.code, values, references: err.references };
  return { status: 422, errors: {}, formError: err.code, values };
}

/**
 * An action posted from a detail page (`POST path`): the guard, then `run`, which redirects on
 * success. A refusal the user can mend (a ValidationError, a wrong state, a deletion refused)
 * shows the same page again with status 422 and the message; anything else goes to the error
 * handler. Replaces the try/catch of every such route.
 */
export function detailAction(
  router: Router,
  path: string,
  permission: Permission,
  opts: { page: DetailPage; before?: RequestHandler[]; run: (req: Request, res: Response) => Promise<void> },
) {
  router.post(path, allow(permission), ...(opts.before ?? []), async (req, res) => {
    try {
      await opts.run(req, res);
    } catch (err) {
      const problem = problemOf(err, req.body);
      if (!problem) throw err;
      // 400 when the body itself could not be read to its end (a malformed multipart body).
      await opts.page(req, res, req.malformedBody ? { ...problem, status: 400 } : problem);
    }
  });
}

// ───────────── search pages ─────────────

/** The query string's values (cleaned: src/http/input.ts): the first of each, trimmed, empty ones dropped. */
export function cleanQuery(q: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cleanFields(q))) {
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && s.trim() !== '') out[k] = s.trim();
  }
  return out;
}

export interface Criteria<T> {
  /** The parsed criteria (null when the query string is invalid: `errors` says why). */
  input: T | null;
  errors: Record<string, string>;
  /** The criteria as typed (the form's values). */
  values: Record<string, string>;
  /** Were criteria given (anything but the page)? */
  searched: boolean;
  page: number;
  /** The criteria as a query string, without the page: for the pager, the export, the "modify" link. */
  query: string;
  /** `base` with the criteria (the pager adds its page). */
  url: (base: string) => string;
}

/**
 * Parses a search page's query string once: the criteria for the list, the pager's links and the
 * export all come from here. `keys` limits the query to the criteria the page knows.
 */
export function searchCriteria<S extends z.ZodType>(schema: S, rawQuery: Record<string, unknown>, opts: { keys?: readonly string[] } = {}): Criteria<z.infer<S>> {
  const all = cleanQuery(rawQuery);
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (k !== 'page' && (!opts.keys || opts.keys.includes(k))) values[k] = v;
  const parsed = schema.safeParse(values);
  const query = new URLSearchParams(values).toString();
  return {
    input: parsed.success ? parsed.data : null,
    errors: parsed.success ? {} : fieldErrors(parsed.error),
    values,
    searched: Object.keys(values).length > 0,
    page: pageParam(rawQuery.page),
    query,
    url: (base) => (query ? `${base}?${query}` : base),
  };
}
