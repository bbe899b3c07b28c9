/**
 * The error summary names each field it lists ("Message : Ce champ est obligatoire."), so that two
 * "required" lines are told apart (views/partials/error-summary.ejs). A view renders its summary
 * before its fields, so the summary marks each entry whose label the view did not give
 * (`<!--label:SEPARATOR-->`) and the page, once rendered, gets them from its own fields: the
 * `<label for="f-x">`, or the `<legend>` of the group when `f-x` is a radio button or a fieldset.
 * A label written once, in the field, is the one the summary says. An entry without a field on the
 * page stays unnamed.
 */

const MARK = /<a href="#f-([^"]+)"><!--label:([^>]*?)-->/g;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The visible text of an HTML fragment (already escaped): tags and decorative marks dropped. */
function textOf(fragment: string): string {
  return fragment
    .replace(/<span[^>]*aria-hidden="true"[^>]*>[\s\S]*?<\/span>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*[*:]$/, '');
}

/** The legend of the fieldset that is open at `pos` (or starts there). */
function legendAt(html: string, pos: number): string | null {
  const start = html.lastIndexOf('<fieldset', pos);
  if (start < 0 || html.lastIndexOf('</fieldset>', pos) > start) return null;
  const m = /^<fieldset[^>]*>\s*<legend[^>]*>([\s\S]*?)<\/legend>/.exec(html.slice(start));
  return m ? textOf(m[1]) : null;
}

function labelOf(html: string, id: string): string | null {
  const tag = new RegExp(`<(input|fieldset|select|textarea)\\b[^>]*\\bid="${escapeRegExp(id)}"[^>]*>`).exec(html);
  if (tag && (tag[1] === 'fieldset' || /\btype="radio"/.test(tag[0]))) return legendAt(html, tag.index);
  const label = new RegExp(`<label[^>]*\\bfor="${escapeRegExp(id)}"[^>]*>([\\s\\S]*?)</label>`).exec(html);
  return label ? textOf(label[1]) || null : null;
}

export function nameErrorSummary(html: string): string {
  if (!html.includes('<!--label:')) return html;
  return html.replace(MARK, (_m, field: string, separator: string) => {
    const label = labelOf(html, `f-${field}`);
    return `<a href="#f-${field}">${label ? label + separator : ''}`;
  });
}
