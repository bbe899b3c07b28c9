// Joining the quality label (issue 14): a validated agreement follows the label when its student,
// its host and its programme manager say yes online — the manager's yes may be the programme's
// default — and its host is socio-economic (a university or research laboratory is not). An
// agreement that does not follow it keeps its follow-up pages when its centre wants them.
import { Service, type Act, type ServiceDeps } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { DbOrTx } from '../../db/client.js';
import { forbidden, ValidationError } from '../../errors.js';
import type { LabelAnswer } from '../../generated/prisma/enums.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import { isCompanyTutor } from '../agreements/agreements.reach.js';

type Shown = Awaited<ReturnType<AgreementService['show']>>;
export type LabelParty = 'student' | 'company' | 'manager';

/** Hosts that cannot carry the label: the research and teaching establishments (structureType). */
const NOT_SOCIO_ECONOMIC = ['PUBLIC_LAB'];

/** The parties the actor answers for, on this agreement. */
export async function labelParties(db: DbOrTx, actor: Actor, a: Pick<Shown, 'studentId' | 'organisationId' | 'companyTutorId' | 'programmeId'> & Partial<Pick<Shown, 'companyTutor'>>): Promise<LabelParty[]> {
  const out: LabelParty[] = [];
  if (actor.student?.profileId === a.studentId) out.push('student');
  const hostAdmin = actor.companies.some((c) => c.organisationId === a.organisationId && c.role === 'ADMIN');
  const tutor = !hostAdmin && (await isCompanyTutor(db, actor, a));
  if (hostAdmin || tutor) out.push('company');
  if (a.programmeId !== null && actor.academic.some((r) => r.kind === 'PROGRAMME_MANAGER' && r.programmeId === a.programmeId)) out.push('manager');
  return out;
}

export interface LabelState {
  /** The agreement is validated: the question is open. */
  open: boolean;
  socioEconomic: boolean;
  student: LabelAnswer | null;
  company: LabelAnswer | null;
  /** The manager's own answer, else the programme's default (YES), else none. */
  manager: LabelAnswer | null;
  managerByDefault: boolean;
  follows: boolean;
  /** What the actor may answer for here. */
  mine: LabelParty[];
  /** The programme manager may make yes the programme's default. */
  programmeDefault: boolean | null;
}

export class LabelEnrolmentService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService) {
    super(deps);
  }

  /** The answers, the programme's default, and whether the agreement follows the label (nobody's view of it). */
  private async answers(a: Pick<Shown, 'id' | 'status' | 'programmeId' | 'organisation'>) {
    const e = await this.db.labelEnrolment.findUnique({ where: { agreementId: a.id } });
    const programme = a.programmeId ? await this.db.programme.findUnique({ where: { id: a.programmeId }, select: { labelDefault: true } }) : null;
    const socioEconomic = !NOT_SOCIO_ECONOMIC.includes(a.organisation.structureType ?? '');
    const manager = e?.managerAnswer ?? (programme?.labelDefault ? 'YES' : null);
    const follows = socioEconomic && a.status === 'VALIDATED' && e?.studentAnswer === 'YES' && e?.companyAnswer === 'YES' && manager === 'YES';
    return { e, programme, socioEconomic, manager, follows };
  }

  /** Does the agreement follow the label? */
  async follows(a: Pick<Shown, 'id' | 'status' | 'programmeId' | 'organisation'>): Promise<boolean> {
    return (await this.answers(a)).follows;
  }

  /** Where the agreement stands with the label, and what the actor may answer. */
  async state(actor: Actor, a: Shown): Promise<LabelState> {
    const { e, programme, socioEconomic, manager, follows } = await this.answers(a);
    const mine = a.status === 'VALIDATED' && socioEconomic ? await labelParties(this.db, actor, a) : [];
    return {
      open: a.status === 'VALIDATED',
      socioEconomic,
      student: e?.studentAnswer ?? null,
      company: e?.companyAnswer ?? null,
      manager,
      managerByDefault: !e?.managerAnswer && !!programme?.labelDefault,
      follows,
      mine,
      programmeDefault: mine.includes('manager') ? !!programme?.labelDefault : null,
    };
  }

  /** The actor's answer for a party they speak for (404 out of reach, 403 for another party's). */
  async answer(act: Act, agreementId: number, party: LabelParty, answer: LabelAnswer) {
    const a = await this.agreements.show(act.actor, agreementId);
    if (a.status !== 'VALIDATED') throw new ValidationError({ _form: 'followup.label.errors.notValidated' });
    if (NOT_SOCIO_ECONOMIC.includes(a.organisation.structureType ?? '')) throw new ValidationError({ _form: 'followup.label.errors.notSocioEconomic' });
    if (!(await labelParties(this.db, act.actor, a)).includes(party)) throw forbidden();
    const data = party === 'student' ? { studentAnswer: answer, studentAt: act.now } : party === 'company' ? { companyAnswer: answer, companyAt: act.now, companyById: act.actor.id } : { managerAnswer: answer, managerAt: act.now, managerById: act.actor.id };
    await this.db.$transaction(async (tx) => {
      await tx.labelEnrolment.upsert({ where: { agreementId }, create: { agreementId, ...data }, update: data });
      await audit(tx, { actorId: act.actor.id, action: 'label.answer', entityType: 'Agreement', entityId: agreementId, after: { party, answer }, requestId: act.requestId });
    });
  }

  /** The programme manager's default for their programme: yes for every agreement unless they say no for one. */
  async setProgrammeDefault(act: Act, programmeId: number, value: boolean) {
    if (!act.actor.academic.some((r) => r.kind === 'PROGRAMME_MANAGER' && r.programmeId === programmeId)) throw forbidden();
    await this.db.$transaction(async (tx) => {
      const before = await tx.programme.findUniqueOrThrow({ where: { id: programmeId }, select: { labelDefault: true } });
      await tx.programme.update({ where: { id: programmeId }, data: { labelDefault: value } });
      await audit(tx, { actorId: act.actor.id, action: 'label.programmeDefault', entityType: 'Programme', entityId: programmeId, before, after: { labelDefault: value }, requestId: act.requestId });
    });
  }
}
