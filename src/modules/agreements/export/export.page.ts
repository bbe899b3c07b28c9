// What the column chooser shows (GET /agreements/export): the search's criteria in words, the
// columns by fieldset with the ones chosen ticked and numbered, the presets, the download links.
import type { Request } from 'express';
import type { Ctx } from '../../../context.js';
import type { Fields } from '../../../http/input.js';
import { formatters } from '../../../i18n/format.js';
import { label, type NomenclatureName } from '../../../nomenclatures/index.js';
import type { AgreementSearchInput } from '../agreements.search.js';
import { AGREEMENT_WORKFLOW } from '../agreements.workflow.js';
import { COLUMN_GROUPS, EXPORT_COLUMNS } from './export.columns.js';
import { BUILTIN_PRESETS, currentColumns, PRESET_NAME_MAX, userPresets } from './export.presets.js';

const REFERENCE: Partial<Record<keyof AgreementSearchInput, NomenclatureName>> = {
  type: 'internshipType',
  workingTime: 'workingTime',
  structureType: 'structureType',
  headcount: 'headcountBand',
  country: 'country',
};

/** The criteria in words, as the search form names them: [{ label, value }]. */
export async function criteriaSummary(ctx: Ctx, req: Request, input: AgreementSearchInput) {
  const fmt = formatters(req.locale);
  // Names of the centres and study years asked for (at most 50 ids each: the search's schema).
  const [centres, years] = await Promise.all([
    input.centre ? ctx.db.managementCentre.findMany({ where: { id: { in: input.centre } }, select: { name: true }, orderBy: { name: 'asc' } }) : [],
    input.studyYear ? ctx.db.studyYear.findMany({ where: { id: { in: input.studyYear } }, select: { name: true }, orderBy: { name: 'asc' } }) : [],
  ]);
  const words = (k: keyof AgreementSearchInput, v: unknown): string => {
    const ref = REFERENCE[k];
    if (ref) return label(ref, String(v), req.locale);
    if (k === 'status') return req.t(AGREEMENT_WORKFLOW.stateLabel(v as never));
    if (k === 'language') return req.t(`agreements.languages.${String(v)}`);
    if (k === 'paid') return req.t(`agreementsSearch.yesNo.${String(v)}`);
    if (k === 'validated') return req.t(v === 'yes' ? 'agreementsSearch.fields.validatedYes' : 'agreementsSearch.fields.validatedNo');
    if (k === 'centre') return centres.map((c) => c.name).join(', ');
    if (k === 'studyYear') return years.map((y) => y.name).join(', ');
    if (k === 'startFrom' || k === 'startTo') return fmt.shortDate(v as never);
    return String(v);
  };
  return (Object.entries(input) as [keyof AgreementSearchInput, unknown][])
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({ label: req.t(`agreementsSearch.fields.${k}`), value: words(k, v) }));
}

export interface ChooserProblem {
  errors: Record<string, string>;
  values: Fields;
}

/**
 * The chooser's locals. `query` is the search's query string (criteria and sort), kept in every
 * link and form action; with a problem, the ticks and numbers are what was posted.
 */
export async function chooserLocals(ctx: Ctx, req: Request, input: AgreementSearchInput, query: string, problem?: ChooserProblem) {
  const actor = req.actor!;
  const [current, presets, summary] = await Promise.all([currentColumns(ctx.db, actor), userPresets(ctx.db, actor), criteriaSummary(ctx, req, input)]);
  const posted = problem ? (Array.isArray(problem.values.columns) ? problem.values.columns : [problem.values.columns ?? '']) : null;
  const chosen = current.map((c) => c.key);
  const groups = COLUMN_GROUPS.map((group) => ({
    group,
    legend: req.t(`exports.groups.${group}`),
    columns: EXPORT_COLUMNS.filter((c) => c.group === group).map((c) => {
      const position = chosen.indexOf(c.key) + 1;
      const typed = problem?.values[`pos.${c.key}`];
      return {
        key: c.key,
        id: c.key.replace(/\./g, '-'),
        label: req.t(c.labelKey),
        checked: posted ? posted.includes(c.key) : position > 0,
        position: problem ? (typeof typed === 'string' ? typed : '') : position > 0 ? String(position) : '',
      };
    }),
  }));
  const q = query ? `?${query}` : '';
  const described = (keys: readonly string[]) => {
    const known = keys.filter((k) => EXPORT_COLUMNS.some((c) => c.key === k));
    return { count: known.length, columns: known.map((k) => req.t(`exports.columns.${k}`)).join(', ') };
  };
  return {
    title: req.t('exports.page.title'),
    summary,
    query: q,
    groups,
    current: current.map((c) => req.t(c.labelKey)),
    builtins: BUILTIN_PRESETS.map((p) => ({ id: p.key, name: req.t(p.labelKey), ...described(p.columns) })),
    presets: presets.map((p) => ({ id: String(p.id), name: p.name, ...described(p.columns) })),
    presetNameMax: PRESET_NAME_MAX,
    errors: problem?.errors ?? {},
    values: { presetName: typeof problem?.values.presetName === 'string' ? problem.values.presetName : '' },
    links: { search: `/agreements/search${q}`, xlsx: `/agreements/export.xlsx${q}`, csv: `/agreements/export.csv${q}` },
  };
}
