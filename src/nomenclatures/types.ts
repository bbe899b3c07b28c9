/** Languages of the interface (every label) and of printed documents (labels of printed values). */
export const UI_LOCALES = ['fr', 'en'] as const;
export const DOC_LOCALES = ['fr', 'en', 'de', 'es', 'it'] as const;
export type UiLocale = (typeof UI_LOCALES)[number];
export type DocLocale = (typeof DOC_LOCALES)[number];

export type Labels = Record<UiLocale, string> & Partial<Record<Exclude<DocLocale, UiLocale>, string>>;

export interface NomenclatureData {
  /** The Prisma enum the values come from (null: a reference list of the platform's own). */
  enum: string | null;
  /** Shown on printed documents: labelled in the five document languages. */
  printed: boolean;
  labels: Record<string, Labels>;
}
