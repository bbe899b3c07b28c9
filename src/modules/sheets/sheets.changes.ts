import { FIELDS, type Pause, type SheetContent } from './sheets.fields.js';

/** One field that differs between two sendings: its name (label `sheets.fields.<field>`) and both values as typed. */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

const pausesText = (rows: Pause[]) => rows.map((p) => `${p.from} – ${p.to}`).join(', ');

/**
 * What changed between the sending a manager returned and the sheet now, field by field in the
 * form's order (the interruptions as one field): the manager reads old → new instead of the whole
 * sheet again.
 */
export function changesSince(before: SheetContent, after: SheetContent): FieldChange[] {
  const out: FieldChange[] = [];
  for (const { name } of FIELDS) {
    const b = before.data[name] ?? '';
    const a = after.data[name] ?? '';
    if (a !== b) out.push({ field: name, before: b, after: a });
  }
  const b = pausesText(before.pauses);
  const a = pausesText(after.pauses);
  if (a !== b) out.push({ field: 'pauses', before: b, after: a });
  return out;
}
