// The centre's agreement settings (issue 12): which validation steps, in which order, under which
// names; whether students may create agreements and overlap them; the dashboard's alert days.
import { z } from 'zod';
import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import { hasCentreRight } from '../../authz/centres.js';
import { forbidden, notFound } from '../../errors.js';
import { f } from '../../http/validate.js';

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
  agreementAlertDays: z.coerce.number({ error: 'errors.field.required' }).int('agreements.errors.alertDays').min(1, 'agreements.errors.alertDays').max(365, 'agreements.errors.alertDays'),
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
  agreementAlertDays: true,
} as const;

/** The name of a step for the centre: its own label in the language, else the catalogue's. */
export function stepLabel(centre: Partial<Record<'pedagogicalLabelFr' | 'pedagogicalLabelEn' | 'administrativeLabelFr' | 'administrativeLabelEn', string | null>>, step: 'pedagogical' | 'administrative', locale: string, t: (k: string) => string): string {
  const own = centre[`${step}Label${locale === 'en' ? 'En' : 'Fr'}`];
  return own || t(`agreements.steps.${step}`);
}

export class AgreementSettingsService extends Service {
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
    const { order, ...rest } = input;
    return this.db.$transaction(async (tx) => {
      const after = await tx.managementCentre.update({ where: { id: centreId }, data: { ...rest, administrativeFirst: order === 'administrativeFirst' }, select: SETTINGS_SELECT });
      await audit(tx, { actorId: act.actor.id, action: 'centre.agreementSettings', entityType: 'ManagementCentre', entityId: centreId, before, after, requestId: act.requestId });
      return after;
    });
  }
}
