// Demo amendment (issue 13): a validated agreement whose period an amendment extends, written through
// the platform's own paths — the "Rédiger un avenant" form's values (formValues, the new last day,
// read by parseAmendment: what is stored), the draft's copies and checks previewed on the agreement
// in a savepoint rolled back (AmendmentService.preview), the signature phase (seedSignatures), and
// the validation writing the values onto the agreement for good (applyChanges: the agreement keeps
// its signed copy in originalSnapshot). No mail.
import type { Act } from '../src/act.js';
import { audit } from '../src/audit/audit.js';
import type { Actor } from '../src/authz/actor.js';
import type { Db, Tx } from '../src/db/client.js';
import type { SignatureChannel } from '../src/generated/prisma/enums.js';
import type { Prisma } from '../src/generated/prisma/client.js';
import { AgreementService } from '../src/modules/agreements/agreements.service.js';
import type { AgreementDetail } from '../src/modules/agreements/agreements.snapshot.js';
import { changesOf, formValues, parseAmendment } from '../src/modules/amendments/amendments.form.js';
import { amendmentRecord } from '../src/modules/amendments/amendments.service.js';
import { AMENDMENT_WORKFLOW } from '../src/modules/amendments/amendments.workflow.js';
import { CalendarDate } from '../src/time/calendar.js';
import { FixedClock } from '../src/time/clock.js';
import { seedSignatures } from './seed-signatures.js';

const json = (v: unknown) => v as Prisma.InputJsonValue;

/**
 * Amendment n° 1 of a VALIDATED agreement: its last day moved to `endDate`, drafted by `staff` at
 * `draftedAt`, signed by the agreement's signatories (`signed`, in the centre's order), validated
 * by `staff` at `validatedAt`. A blocking check stops the seed, as it would stop the validation.
 */
export async function seedPeriodAmendment(tx: Tx, o: { agreementId: number; staff: Actor; reason: string; endDate: CalendarDate; draftedAt: Date; openedAt: Date; signed: { at: Date; channel: SignatureChannel; by?: number }[]; validatedAt: Date }) {
  // applyChanges reads and writes through the transaction it is given only.
  const agreements = new AgreementService({ db: tx as unknown as Db, baseUrl: '', clock: new FixedClock(o.draftedAt) });
  const row = await tx.agreement.findUniqueOrThrow({ where: { id: o.agreementId }, include: { centre: { select: { studentsMayAmend: true, signatureParties: true, signatureAutoValidate: true } } } });
  if (row.status !== 'VALIDATED') throw new Error(`demo agreement ${o.agreementId}: only a validated agreement is amended`);
  const current = { startDate: CalendarDate.fromDb(row.startDate), endDate: CalendarDate.fromDb(row.endDate) };
  // The form as the page fills it from the agreement, the period ticked and its last day changed.
  const input = parseAmendment({ ...formValues(row as unknown as AgreementDetail), reason: o.reason, kinds: ['period'], endDate: o.endDate.toString() }, current);
  const changes = changesOf(input.kinds, input.values, null);

  await tx.$executeRawUnsafe('SAVEPOINT demo_amendment_preview');
  const preview = await agreements.applyChanges(tx, o.agreementId, changes, o.draftedAt);
  await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT demo_amendment_preview');
  if (preview.blocking) throw new Error(`demo amendment of agreement ${o.agreementId}: ${preview.checks.map((c) => c.code).join(', ')}`);
  const m = await tx.agreementAmendment.create({
    data: {
      agreementId: o.agreementId, seq: 1, reason: input.reason, kinds: input.kinds, changes: json(input.values), otherText: input.otherText,
      beforeSnapshot: json(preview.before), snapshot: json(preview.snapshot), checks: json(preview.checks), createdById: o.staff.id, createdAt: o.draftedAt,
    },
  });
  await audit(tx, { actorId: o.staff.id, action: 'amendment.create', entityType: 'AgreementAmendment', entityId: m.id, after: { agreementId: o.agreementId, seq: 1, kinds: input.kinds, reason: input.reason }, requestId: null });

  if (!(await seedSignatures(tx, o.agreementId, { openedAt: o.openedAt, signed: o.signed, amendmentId: m.id }))) throw new Error(`demo amendment of agreement ${o.agreementId}: not every party signed`);

  // Validated: the values onto the agreement (its figures and copy computed that day), then the state.
  const done = await agreements.applyChanges(tx, o.agreementId, changes, o.validatedAt);
  if (done.blocking) throw new Error(`demo amendment of agreement ${o.agreementId}: blocking at validation`);
  const act: Act = { actor: o.staff, requestId: null, now: o.validatedAt };
  await AMENDMENT_WORKFLOW.apply(tx, {
    act,
    record: amendmentRecord(row, row.centre, 'SIGNED'),
    id: m.id,
    action: 'validate',
    write: (status) => tx.agreementAmendment.update({ where: { id: m.id }, data: { status, validatedAt: o.validatedAt, validatedById: o.staff.id } }),
    recipients: async () => [],
    mail: () => ({}),
    audit: { before: { agreementId: o.agreementId, seq: 1 } },
  });
  return m.id;
}
