// Request parameters shared by every list and detail page.
import { notFound } from '../errors.js';

export const PAGE_SIZE = 25;

export interface Pager {
  page: number;
  pages: number;
  total: number;
  size: number;
  skip: number;
}

/** The ?page= value: a positive integer, 1 otherwise. */
export function pageParam(v: unknown): number {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && /^\d{1,6}$/.test(s) && Number(s) >= 1 ? Number(s) : 1;
}

/** A page past the end shows the last page. */
export function pager(page: number, total: number, size = PAGE_SIZE): Pager {
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(1, page), pages);
  return { page: p, pages, total, size, skip: (p - 1) * size };
}

/** A numeric route parameter; anything else is a 404 (no such record). */
export function idParam(v: unknown): number {
  const s = String(v ?? '');
  if (!/^\d{1,9}$/.test(s) || Number(s) < 1) throw notFound();
  return Number(s);
}

/** "2026-07-01" for a date input. */
export function isoDate(d: Date | null | undefined): string {
  return d ? d.toISOString().slice(0, 10) : '';
}

/** What a service records of the request in its audit rows. */
export interface Meta {
  requestId?: string | null;
}
