/**
 * A single sign-on that did not end in a session, said to the person on a page of its own (never a
 * 500): `reason` is the message's key under sso.errors, `status` the page's status.
 *   state       400  nothing under way for this browser, or the answer is not the one expected
 *   provider    401  the provider refused or its answer did not pass the checks (nonce, PKCE, ticket…)
 *   unreachable 502  the provider could not be reached
 *   attributes  403  the provider did not send what an account needs
 *   noAccount   403  no account matches and none is created (staff, or no student number)
 *   inactive    403  the matching account is deactivated
 *   conflict    403  the matching account is already linked to another identity of this provider, or is not
 *                    a member of the provider's institution (a company's, another institution's, the administrator's)
 */
export type SsoFailure = 'state' | 'provider' | 'unreachable' | 'attributes' | 'noAccount' | 'inactive' | 'conflict';

const STATUS: Record<SsoFailure, number> = { state: 400, provider: 401, unreachable: 502, attributes: 403, noAccount: 403, inactive: 403, conflict: 403 };

export class SsoError extends Error {
  readonly status: number;
  constructor(
    readonly reason: SsoFailure,
    /** What the log says of the cause (a code, never personal data). */
    readonly detail?: string,
  ) {
    super(`sso: ${reason}${detail ? ` (${detail})` : ''}`);
    this.status = STATUS[reason];
  }
}
