/** Languages of the interface (every label) and of printed documents (labels of printed values). */
export const UI_LOCALES = ['fr', 'en'] as const;
export const DOC_LOCALES = ['fr', 'en', 'de', 'es', 'it'] as const;
export type UiLocale = (typeof UI_LOCALES)[number];
export type DocLocale = (typeof DOC_LOCALES)[number];

/** The labels of one value: the interface languages always, the other document languages when printed. */
export type Labels = Record<UiLocale, string> & Partial<Record<Exclude<DocLocale, UiLocale>, string>>;
/** The labels of a printed value: all five document languages (the compiler refuses a missing one). */
export type PrintedLabels = Record<DocLocale, string>;

interface Common {
  /** The Prisma enum the values come from (null: a reference list of the platform's own, values in key order). */
  enum: string | null;
  /**
   * Forms list the values in their order, except long lists (countries), listed by label in the form's
   * language with these values first.
   */
  optionsByLabel?: { first: readonly string[] };
}

export type NomenclatureData =
  | (Common & { /** Shown on printed documents. */ printed: true; labels: Record<string, PrintedLabels> })
  | (Common & { printed: false; labels: Record<string, Labels> });
