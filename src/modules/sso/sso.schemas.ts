import { z } from 'zod';
import { f } from '../../http/validate.js';
import { isLoopbackHttp } from './sso.oidc.js';

/** An identity provider's address: HTTPS, or plain HTTP on this machine only (see isLoopbackHttp). */
function providerUrl() {
  return f.optionalUrl().refine((v) => {
    if (!v) return true;
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || isLoopbackHttp(u);
    } catch {
      return false;
    }
  }, 'sso.admin.errors.https');
}

/** A claim's or attribute's name: "email", "supannEtuId", "urn:oid:0.9.2342.19200300.100.1.3"… */
const attribute = () => f.text(100).regex(/^[\w:.-]+$/, 'sso.admin.errors.attribute');
const optionalAttribute = () =>
  f
    .optionalText(100)
    .refine((v) => !v || /^[\w:.-]+$/.test(v), 'sso.admin.errors.attribute');

/**
 * The administrator's settings of an institution's provider. The client secret is write-only: a
 * blank field keeps the one stored, `removeSecret` removes it (a public client, PKCE alone).
 */
export const providerSchema = z
  .object({
    protocol: f.enumOf(['OIDC', 'CAS'] as const),
    label: f.text(100),
    enabled: f.checkbox(),
    issuerUrl: providerUrl(),
    clientId: f.optionalText(200),
    clientSecret: z
      .string()
      .trim()
      .max(500, 'errors.field.tooLong|500')
      .optional()
      .transform((v) => (v ? v : null)),
    removeSecret: f.checkbox(),
    casUrl: providerUrl(),
    emailAttribute: attribute(),
    studentNumberAttribute: optionalAttribute(),
    firstNameAttribute: attribute(),
    lastNameAttribute: attribute(),
    passwordsDisabled: f.checkbox(),
  })
  .superRefine((v, ctx) => {
    const required = (path: string) => ctx.addIssue({ code: 'custom', path: [path], message: 'sso.admin.errors.requiredFor' });
    if (v.protocol === 'OIDC' && !v.issuerUrl) required('issuerUrl');
    if (v.protocol === 'OIDC' && !v.clientId) required('clientId');
    if (v.protocol === 'CAS' && !v.casUrl) required('casUrl');
  });

export type ProviderInput = z.infer<typeof providerSchema>;

/** A new provider's form: the claims most OpenID providers use. */
export const PROVIDER_DEFAULTS = { protocol: 'OIDC', enabled: true, emailAttribute: 'email', firstNameAttribute: 'given_name', lastNameAttribute: 'family_name' } as const;
