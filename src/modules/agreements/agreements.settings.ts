// The centre's agreement settings (issue 12): which validation steps, in which order, under which
// names; whether students may create agreements and overlap them; the dashboard's alert days.
import { z } from 'zod';
import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import { hasCentreRight } from '../../authz/centres.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { SignatureParty } from '../../generated/prisma/enums.js';
import { f } from '../../http/validate.js';

/** The parties in their catalogue order (the settings form's rows). */
export const SIGNATURE_PARTIES = Object.values(SignatureParty);
const rank = () =>
  z
    .union([z.literal(''), z.coerce.number({ error: 'signatures.errors.parties' }).int('signatures.errors.parties').min(1, 'signatures.errors.parties').max(SIGNATURE_PARTIES.length, 'signatures.errors.parties')])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v));
const rankFields = Object.fromEntries(SIGNATURE_PARTIES.map((p) => [`rank${p}`, rank()])) as Record<`rank${SignatureParty}`, ReturnType<typeof rank>>;

export const settingsSchema = z.object({
  pedagogicalStep: f.checkbox(),
  administrativeStep: f.checkbox(),
  order: f.enumOf(['pedagogicalFirst', 'administrativeFirst'] as const),
  pedagogicalLabelFr: f.optionalText(80),
  pedagogicalLabelEn: f.optionalText(80),
  administrativeLabelFr: f.optionalText(80),
  administrativeLabelEn: f.optionalText(80),
  studentsMayCreateAgreements: f.checkbox(),
  agreementOverlapAllowed: f.checkbox(),
  studentsMayAmend: f.checkbox(),
  followUpWithoutLabel: f.checkbox(),
  agreementAlertDays: z.coerce.number({ error: 'errors.field.required' }).int('agreements.errors.alertDays').min(1, 'agreements.errors.alertDays').max(365, 'agreements.errors.alertDays'),
  // The signature phase (issue 13): each party's rank (empty: does not sign), in sequence or at once, auto-validation, who signs for the institution.
  ...rankFields,
  signatureInSequence: f.checkbox(),
  signatureAutoValidate: f.checkbox(),
  signatureRepresentativeId: f.optionalId(),
}).superRefine((v, ctx) => {
  const seen = new Set<number>();
  for (const p of SIGNATURE_PARTIES) {
    const r = v[`rank${p}`];
    if (r === null) continue;
    if (seen.has(r)) ctx.addIssue({ code: 'custom', path: [`rank${p}`], message: 'signatures.errors.parties' });
    seen.add(r);
  }
});
export type SettingsInput = z.infer<typeof settingsSchema>;

export const SETTINGS_SELECT = {
  id: true,
  name: true,
  pedagogicalStep: true,
  administrativeStep: true,
  administrativeFirst: true,
  pedagogicalLabelFr: true,
  pedagogicalLabelEn: true,
  administrativeLabelFr: true,
  administrativeLabelEn: true,
  studentsMayCreateAgreements: true,
  agreementOverlapAllowed: true,
  studentsMayAmend: true,
  followUpWithoutLabel: true,
  agreementAlertDays: true,
  signatureParties: true,
  signatureInSequence: true,
  signatureAutoValidate: true,
  signatureRepresentativeId: true,
} as const;

/** The settings form's values of the signature phase: each signing party's rank. */
export function signatureRanks(parties: SignatureParty[]): Record<string, string> {
  return Object.fromEntries(SIGNATURE_PARTIES.map((p) => [`rank${p}`, parties.includes(p) ? String(parties.indexOf(p) + 1) : '']));
}

/** The name of a step for the centre: its own label in the language, else the catalogue's. */
export function stepLabel(centre: Partial<Record<'pedagogicalLabelFr' | 'pedagogicalLabelEn' | 'administrativeLabelFr' | 'administrativeLabelEn', string | null>>, step: 'pedagogical' | 'administrative', locale: string, t: (k: string) => string): string {
  const own = centre[`${step}Label${locale === 'en' ? 'En' : 'Fr'}`];
  return own || t(`agreements.steps.${step}`);
}

export class AgreementSettingsService extends Service {
  /** Who may sign for the institution: the centre's staff with the write right (or more), active. */
  representatives(centreId: number) {
    return this.db.user.findMany({
      where: { active: true, centreStaff: { some: { centreId, right: { in: ['WRITE', 'ADMIN'] } } } },
      select: { id: true, firstName: true, lastName: true },
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }],
    });
  }

  /** The settings of a centre the actor manages (ADMIN, as the centre's other settings): 404 out of reach, 403 below ADMIN. */
  async get(actor: Act['actor'], centreId: number) {
    if (!hasCentreRight(actor, centreId, 'READ')) throw notFound();
    if (!hasCentreRight(actor, centreId, 'ADMIN')) throw forbidden();
    const c = await this.db.managementCentre.findUnique({ where: { id: centreId }, select: SETTINGS_SELECT });
    if (!c) throw notFound();
    return c;
  }

  async update(act: Act, centreId: number, input: SettingsInput) {
    const before = await this.get(act.actor, centreId);
    const { order, ...all } = input;
    const rest = Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('rank'))) as Omit<SettingsInput, 'order' | `rank${SignatureParty}`>;
    // The signing parties, by their rank.
    const signatureParties = SIGNATURE_PARTIES.filter((p) => input[`rank${p}`] !== null).sort((x, y) => input[`rank${x}`]! - input[`rank${y}`]!);
    if (rest.signatureRepresentativeId && !(await this.representatives(centreId)).some((u) => u.id === rest.signatureRepresentativeId)) throw new ValidationError({ signatureRepresentativeId: 'signatures.errors.representative' });
    return this.db.$transaction(async (tx) => {
      const after = await tx.managementCentre.update({ where: { id: centreId }, data: { ...rest, signatureParties, administrativeFirst: order === 'administrativeFirst' }, select: SETTINGS_SELECT });
      await audit(tx, { actorId: act.actor.id, action: 'centre.agreementSettings', entityType: 'ManagementCentre', entityId: centreId, before, after, requestId: act.requestId });
      return after;
    });
  }
}
