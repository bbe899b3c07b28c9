import type { Request } from 'express';
import { pageParam } from '../../http/pagination.js';
import { fieldErrors } from '../../http/validate.js';
import type { OrganisationService } from '../organisations/organisations.service.js';
import { searchSchemas, type SearchInput } from '../organisations/organisations.schemas.js';

/**
 * The first step of a new offer's form for staff (who may write an offer for any organisation of
 * the directory, offers.reach.ts): find the host organisation by name or SIRET with the directory's
 * own searches (organisations.search.ts), then choose it (?organisation=<id>, checked by the
 * form's page as before). One field, `find`, on the form's own page (a GET, no JavaScript needed):
 * digits are a SIRET, anything else a part of the name. A company user chooses among their own
 * organisations instead and is never shown this search.
 */
export type Picker = { find: string; error: string | null; result: Awaited<ReturnType<OrganisationService['search']>> | null; baseUrl: string };

/** What was typed, as one of the directory's searches, or the message to show beside the field. */
export function findInput(typed: string): { input: SearchInput } | { error: string } {
  if (/^[\d\s.-]+$/.test(typed)) {
    const r = searchSchemas.siret.safeParse({ siret: typed });
    return r.success ? { input: { mode: 'siret', ...r.data } } : { error: fieldErrors(r.error).siret };
  }
  const r = searchSchemas.name.safeParse({ name: typed, department: '' });
  return r.success ? { input: { mode: 'name', ...r.data } } : { error: fieldErrors(r.error).name };
}

export async function organisationPicker(req: Request, organisations: OrganisationService, formAction: string): Promise<Picker> {
  const raw = req.query.find;
  const find = String(Array.isArray(raw) ? raw[0] : (raw ?? '')).trim().slice(0, 200);
  const baseUrl = `${formAction}?find=${encodeURIComponent(find)}`;
  if (!find) return { find, error: null, result: null, baseUrl };
  const parsed = findInput(find);
  if ('error' in parsed) return { find, error: parsed.error, result: null, baseUrl };
  return { find, error: null, result: await organisations.search(parsed.input, pageParam(req.query.page)), baseUrl };
}
