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

export interface Criteria<T, K extends string = never, O = never> {
  /** The parsed criteria (null when the query string is invalid: `errors` says why). */
  input: T | null;
  errors: Record<string, string>;
  /** The criteria as typed (the form's values). */
  values: Record<string, string>;
  /** Were criteria given (anything but the page and the sort)? */
  searched: boolean;
  page: number;
  /** The list's order (?sort=&dir=, see SortSpec); the list's default when none or an unknown one is asked. */
  sort: Sorting<K, O>;
  /** The criteria and the sort as a query string, without the page: for the pager, the export, the "modify" link. */
  query: string;
  /** `base` with the criteria and the sort (the pager adds its page). */
  url: (base: string) => string;
  /** What the column headers need: the sorted column and, for each column, the link that sorts by it. */
  sortLinks: (base: string) => SortLinks<K>;
}

/**
 * Parses a search page's query string once: the criteria for the list, the pager's links and the
 * export all come from here. `keys` limits the query to the criteria the page knows; `sort`
 * gives the columns the list may be sorted by (?sort=<column>&dir=asc|desc).
 */
export function searchCriteria<S extends z.ZodType, K extends string = never, O = never>(
  schema: S,
  rawQuery: Record<string, unknown>,
  opts: { keys?: readonly string[]; sort?: SortSpec<K, O> } = {},
): Criteria<z.infer<S>, K, O> {
  const all = cleanQuery(rawQuery);
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (!RESERVED_KEYS.includes(k) && (!opts.keys || opts.keys.includes(k))) values[k] = v;
  const parsed = schema.safeParse(values);
  const sort = opts.sort ? sortParam(opts.sort, all, values) : NO_SORT;
  const query = new URLSearchParams(values).toString();
  const withSort = new URLSearchParams(values);
  if (sort.explicit) {
    withSort.set('sort', sort.column!);
    withSort.set('dir', sort.dir);
  }
  const fullQuery = withSort.toString();
  return {
    input: parsed.success ? parsed.data : null,
    errors: parsed.success ? {} : fieldErrors(parsed.error),
    values,
    searched: Object.keys(values).length > 0,
    page: pageParam(rawQuery.page),
    sort,
    query: fullQuery,
    url: (base) => (fullQuery ? `${base}?${fullQuery}` : base),
    sortLinks: (base) => ({
      column: sort.column,
      dir: sort.dir,
      explicit: sort.explicit,
      href: (column) => {
        // A click on the sorted column turns its order over; on another, sorts it ascending. Page 1.
        const q = new URLSearchParams(query);
        q.set('sort', column);
        q.set('dir', column === sort.column && sort.dir === 'asc' ? 'desc' : 'asc');
        return `${base}?${q.toString()}`;
      },
    }),
  };
}

// ───────────── sortable lists ─────────────

export type SortDir = 'asc' | 'desc';
/** Query-string keys that are not criteria: the page and the order. */
const RESERVED_KEYS = ['page', 'sort', 'dir'];

/**
 * The columns a list may be sorted by (a whitelist: nothing typed reaches a query unless it is a
 * key of `columns`), each with its order as the list's query takes it (Prisma orderBy entries or
 * SQL fragments), the tie-breaker that makes every order stable (the id, in the same direction),
 * and the column and direction the list's default order is, when it is one of them (its header is
 * then marked as sorted; a function of the criteria when it depends on them, e.g. a ranked search).
 */
export interface SortSpec<K extends string, O> {
  columns: Record<K, (dir: SortDir) => O[]>;
  tieBreaker: (dir: SortDir) => O;
  default?: { column: K; dir: SortDir } | ((values: Record<string, string>) => { column: K; dir: SortDir } | null);
}

export interface Sorting<K extends string, O> {
  /** The column the list is sorted by (asked or default), null when its default order is none of the columns. */
  column: K | null;
  dir: SortDir;
  /** Asked for in the query string (and kept in the pager's links). */
  explicit: boolean;
  /** The order to apply (the column's, then the tie-breaker), or null: the list's own default order. */
  order: O[] | null;
}

export interface SortLinks<K extends string> {
  column: K | null;
  dir: SortDir;
  /** Asked for (the filter forms then keep it: views/partials/sort-fields.ejs). */
  explicit: boolean;
  /** The list sorted by `column` (the criteria kept, first page). */
  href: (column: K) => string;
}

const NO_SORT: Sorting<never, never> = { column: null, dir: 'asc', explicit: false, order: null };

/** The ?sort=&dir= of a list, whitelisted by `spec`: an unknown column is the default order. */
export function sortParam<K extends string, O>(spec: SortSpec<K, O>, query: Record<string, string>, values: Record<string, string> = {}): Sorting<K, O> {
  const asked = query.sort;
  const orderOf = (column: K, dir: SortDir) => [...spec.columns[column](dir), spec.tieBreaker(dir)];
  if (asked && Object.hasOwn(spec.columns, asked)) {
    const column = asked as K;
    const dir: SortDir = query.dir === 'desc' ? 'desc' : 'asc';
    return { column, dir, explicit: true, order: orderOf(column, dir) };
  }
  const d = typeof spec.default === 'function' ? spec.default(values) : spec.default;
  return d ? { column: d.column, dir: d.dir, explicit: false, order: orderOf(d.column, d.dir) } : { column: null, dir: 'asc', explicit: false, order: null };
}
