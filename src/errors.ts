import type { LocaleCode } from './i18n/index.js';

/**
 * Every error code the platform raises, with its HTTP status and its message in each interface
 * language (shown under the error page's title). A test checks that every code has both.
 * Field-level messages of forms stay in the catalogues (errors.field.*, <module>.errors.*).
 */
export const ERROR_CODES = {
  bad_request: { status: 400, fr: 'La requête est mal formée.', en: 'The request is malformed.' },
  forbidden: { status: 403, fr: "Vous n'avez pas le droit de faire cette action.", en: 'You are not allowed to do this.' },
  csrf: { status: 403, fr: 'Jeton de sécurité manquant ou invalide.', en: 'Missing or invalid security token.' },
  not_found: { status: 404, fr: "Cet élément n'existe pas ou ne vous est pas accessible.", en: 'This item does not exist or is not available to you.' },
  too_large: { status: 413, fr: 'Taille maximale dépassée.', en: 'Maximum size exceeded.' },
  validation: { status: 422, fr: 'Vérifiez les champs du formulaire.', en: 'Check the form fields.' },
  wrong_state: {
    status: 422,
    fr: "Cette action n'est pas possible dans l'état actuel : la page a peut-être changé entre-temps, rechargez-la.",
    en: 'This action is not possible in the current state: the page may have changed meanwhile, reload it.',
  },
  in_use: { status: 422, fr: 'Cet élément est encore utilisé et ne peut pas être supprimé.', en: 'This item is still in use and cannot be deleted.' },
  import_file: { status: 422, fr: "Le fichier d'import ne peut pas être lu.", en: 'The import file cannot be read.' },
  import_refused: { status: 422, fr: "L'import est refusé : au moins une ligne est refusée.", en: 'The import is refused: at least one row is refused.' },
  rate_limited: { status: 429, fr: 'Trop de tentatives : réessayez dans quelques minutes.', en: 'Too many attempts: try again in a few minutes.' },
  server: { status: 500, fr: 'Erreur interne.', en: 'Internal error.' },
  unavailable: {
    status: 503,
    fr: 'La base de données ne répond pas pour le moment : réessayez dans quelques instants.',
    en: 'The database is not answering at the moment: try again in a few moments.',
  },
} as const satisfies Record<string, { status: number } & Record<LocaleCode, string>>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && Object.hasOwn(ERROR_CODES, v);
}

/** The message of a code in a language. */
export function errorMessage(code: ErrorCode, locale: LocaleCode): string {
  return ERROR_CODES[code][locale];
}

/** An error with a registered code; the error handler renders the page of its status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    public code: ErrorCode,
    public params?: Record<string, string | number>,
  ) {
    super(code);
    this.status = ERROR_CODES[code].status;
  }
}

export const notFound = () => new AppError('not_found');
export const forbidden = () => new AppError('forbidden');

/** Field errors of a submitted form: re-rendered beside each field and in the summary (422). */
export class ValidationError extends AppError {
  constructor(public fields: Record<string, string>) {
    super('validation');
  }
}

/** A workflow action asked in a state that has no such transition (422, nothing changed). */
export class WrongStateError extends AppError {
  constructor(
    public action: string,
    public state: string,
  ) {
    super('wrong_state', { action, state });
  }
}

/** A deletion refused while something still references the record (422, with what references it). */
export class InUseError extends AppError {
  constructor(public references: { labelKey: string; count: number }[]) {
    super('in_use');
  }
}
