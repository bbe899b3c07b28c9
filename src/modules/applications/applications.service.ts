import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { RIGHT_RANK, } from '../../authz/centres.js';
import type { Db, Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import { fileSummary, storeFile, type CheckedFile } from '../../files/upload.js';
import type { ApplicationStatus, OfferStatus, Prisma } from '../../generated/prisma/client.js';
import { forbidden, notFound, ValidationError, WrongStateError } from '../../errors.js';
import { pager, type Meta } from '../../http/pagination.js';
import { queueEmails, type QueueEmail } from '../../mail/outbox.js';
import { viewerOf, visibleOfferWhere } from '../offers/offers.visibility.js';
import { choicesFor, transitionFor, type Party } from './applications.workflow.js';
import { Service } from '../../act.js';

export interface ApplyInput {
  title: string;
  message: string;
  useProfileCv: boolean;
}

export interface ApplyFiles {
  cv?: CheckedFile | null;
  letter?: CheckedFile | null;
  others?: CheckedFile[];
}

export const COMPANY_TABS = ['current', 'validate', 'spontaneous', 'archived'] as const;
export type CompanyTab = (typeof COMPANY_TABS)[number];

const CURRENT_OFFER: OfferStatus[] = ['PUBLISHED'];
const PENDING_OFFER: OfferStatus[] = ['PENDING_COMPANY', 'PENDING_SCHOOL'];
const ARCHIVED_OFFER: OfferStatus[] = ['EXPIRED', 'FILLED', 'CANCELLED', 'ARCHIVED'];

const fileSelect = { select: { id: true, originalName: true, extension: true, size: true } } as const;

const listInclude = {
  offer: { select: { id: true, title: true, status: true } },
  organisation: { select: { id: true, legalName: true } },
  student: { select: { id: true, user: { select: { firstName: true, lastName: true } } } },
  cvFile: fileSelect,
  letterFile: fileSelect,
} satisfies Prisma.ApplicationInclude;

const detailInclude = {
  ...listInclude,
  student: {
    select: {
      id: true,
      user: { select: { firstName: true, lastName: true, email: true } },
      studyYear: { select: { name: true, centre: { select: { name: true } } } },
    },
  },
  files: { include: { file: fileSelect } },
  events: { orderBy: { id: 'asc' }, include: { actor: { select: { firstName: true, lastName: true } } } },
} satisfies Prisma.ApplicationInclude;

/** How the actor stands towards one application. */
interface Reach {
  party: Party;
  /** May the actor act as that party (school: WRITE in the student's centre or platform admin)? */
  mayAct: boolean;
}

/**
 * Applications: a student applies to a visible offer (once) or spontaneously to an organisation;
 * the company follows them up (READ on first opening, INTERVIEW, ACCEPTED, CANCELLED), the student
 * and the school may cancel. Reach is decided here: an application out of the actor's reach is a
 * 404. Every change writes its event, its audit row and its e-mails in one transaction.
 */
export class ApplicationService extends Service {

  private link(id: number) {
    return `${this.baseUrl}/applications/${id}`;
  }

  private ownProfileId(actor: Actor): number {
    if (!actor.student) throw notFound();
    return actor.student.profileId;
  }

  // ───────────── applying ─────────────

  /** The offer the student may apply to (visible to them), or 404. */
  async offerFor(actor: Actor, offerId: number) {
    if (!actor.student) throw notFound();
    const offer = await this.db.offer.findFirst({
      where: { AND: [{ id: offerId }, visibleOfferWhere(await viewerOf(this.db, actor.student), this.clock.now())] },
      select: { id: true, title: true, organisationId: true, authorId: true, organisation: { select: { id: true, legalName: true } } },
    });
    if (!offer) throw notFound();
    return offer;
  }

  /** An organisation that has a company administrator to receive a spontaneous application, or 404. */
  async organisationFor(organisationId: number) {
    const org = await this.db.organisation.findFirst({
      where: { id: organisationId, members: { some: { role: 'ADMIN', user: { active: true } } } },
      select: { id: true, legalName: true },
    });
    if (!org) throw notFound();
    return org;
  }

  /** The student's profile CV (offered for reuse), if any. */
  async profileCv(actor: Actor) {
    const p = await this.db.studentProfile.findUnique({ where: { id: this.ownProfileId(actor) }, select: { cvFile: fileSelect } });
    return p?.cvFile ?? null;
  }

  /** Applies to an offer (`offerId`) or spontaneously to an organisation (`organisationId`). */
  async apply(actor: Actor, target: { offerId: number } | { organisationId: number }, input: ApplyInput, files: ApplyFiles, meta: Meta = {}) {
    const studentId = this.ownProfileId(actor);
    const offer = 'offerId' in target ? await this.offerFor(actor, target.offerId) : null;
    const organisation = offer ? offer.organisation : await this.organisationFor((target as { organisationId: number }).organisationId);

    const errors: Record<string, string> = {};
    let profileCvId: number | null = null;
    if (!files.cv) {
      if (input.useProfileCv) {
        profileCvId = (await this.profileCv(actor))?.id ?? null;
        if (!profileCvId) errors.cv = 'applications.errors.noProfileCv';
      } else errors.cv = 'applications.errors.cvRequired';
    }
    if (!files.letter) errors.letter = 'applications.errors.letterRequired';
    if (Object.keys(errors).length) throw new ValidationError(errors);

    if (offer) {
      if (await this.db.application.findFirst({ where: { studentId, offerId: offer.id }, select: { id: true } })) {
        throw new ValidationError({ _form: 'applications.errors.alreadyApplied' });
      }
    } else if (await this.db.application.findFirst({ where: { studentId, offerId: null, organisationId: organisation.id, status: { in: ['SENT', 'READ', 'INTERVIEW'] } }, select: { id: true } })) {
      throw new ValidationError({ _form: 'applications.errors.alreadySpontaneous' });
    }

    try {
      return await this.db.$transaction(async (tx) => {
        const cv = files.cv ? await storeFile(tx, files.cv, actor.id) : null;
        const letter = await storeFile(tx, files.letter!, actor.id);
        const others = [];
        for (const f of files.others ?? []) others.push(await storeFile(tx, f, actor.id));
        const created = await tx.application.create({
          data: {
            studentId,
            offerId: offer?.id ?? null,
            organisationId: organisation.id,
            title: input.title,
            message: input.message,
            cvFileId: cv?.id ?? profileCvId,
            letterFileId: letter.id,
            files: { create: others.map((o) => ({ fileId: o.id })) },
            events: { create: { fromStatus: null, toStatus: 'SENT', actorId: actor.id } },
          },
        });
        await audit(tx, {
          actorId: actor.id,
          action: offer ? 'application.create' : 'application.spontaneous',
          entityType: 'Application',
          entityId: created.id,
          after: {
            offerId: created.offerId,
            organisationId: created.organisationId,
            title: created.title,
            cv: cv ? fileSummary(cv) : { fileId: profileCvId, fromProfile: true },
            letter: fileSummary(letter),
            others: others.map(fileSummary),
          },
          requestId: meta.requestId,
        });
        const recipients = await this.companyRecipients(tx, organisation.id, offer?.authorId ?? null);
        await queueEmails(
          tx,
          recipients.map((u) => ({
            to: u.email,
            locale: u.locale,
            template: 'application-received',
            data: {
              firstName: u.firstName,
              student: `${actor.firstName} ${actor.lastName}`,
              offer: offer?.title ?? null,
              organisation: organisation.legalName,
              title: created.title,
              link: this.link(created.id),
            },
          })),
        );
        return created;
      });
    } catch (err) {
      // Two submissions at once: the unique index (student, offer) lets one through.
      if (isUniqueViolation(err)) throw new ValidationError({ _form: 'applications.errors.alreadyApplied' });
      throw err;
    }
  }

  /** Who hears of an application on the company side: the offer's author and the company administrators. */
  private async companyRecipients(tx: Tx | Db, organisationId: number, authorId: number | null) {
    const members = await tx.companyMembership.findMany({
      where: { organisationId, user: { active: true }, OR: [{ role: 'ADMIN' }, ...(authorId ? [{ userId: authorId }] : [])] },
      select: { user: { select: { id: true, email: true, firstName: true, locale: true } } },
      orderBy: { id: 'asc' },
    });
    const seen = new Set<number>();
    return members.map((m) => m.user).filter((u) => !seen.has(u.id) && !!seen.add(u.id));
  }

  // ───────────── lists ─────────────

  /** The student's own applications, newest first. */
  async ownList(actor: Actor, page: number) {
    const where: Prisma.ApplicationWhereInput = { studentId: this.ownProfileId(actor) };
    const total = await this.db.application.count({ where });
    const p = pager(page, total);
    const rows = await this.db.application.findMany({ where, include: listInclude, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: p.skip, take: p.size });
    return { rows, pager: p };
  }

  /** Applications the actor handles for their companies: all for an administrator, their own offers' for a contact. */
  private companyWhere(actor: Actor): Prisma.ApplicationWhereInput {
    const admin = actor.companies.filter((c) => c.role === 'ADMIN').map((c) => c.organisationId);
    const contact = actor.companies.filter((c) => c.role !== 'ADMIN').map((c) => c.organisationId);
    return { OR: [{ organisationId: { in: admin } }, { organisationId: { in: contact }, offer: { authorId: actor.id } }] };
  }

  async companyList(actor: Actor, tab: CompanyTab, page: number) {
    const counts = Object.fromEntries(await Promise.all(COMPANY_TABS.map(async (k) => [k, await this.companyTabCount(actor, k)] as const))) as Record<CompanyTab, number>;
    const p = pager(page, counts[tab]);
    if (tab === 'validate') {
      const offers = await this.db.offer.findMany({
        where: this.pendingOffersWhere(actor),
        select: { id: true, title: true, status: true, createdAt: true },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: p.skip,
        take: p.size,
      });
      return { counts, pager: p, rows: [], offers };
    }
    const rows = await this.db.application.findMany({
      where: { AND: [this.companyWhere(actor), this.tabWhere(tab)] },
      include: listInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: p.skip,
      take: p.size,
    });
    return { counts, pager: p, rows: rows.map((r) => ({ ...r, choices: choicesFor(r.status, 'company') })), offers: [] };
  }

  private pendingOffersWhere(actor: Actor): Prisma.OfferWhereInput {
    const admin = actor.companies.filter((c) => c.role === 'ADMIN').map((c) => c.organisationId);
    const contact = actor.companies.filter((c) => c.role !== 'ADMIN').map((c) => c.organisationId);
    return { status: { in: PENDING_OFFER }, OR: [{ organisationId: { in: admin } }, { organisationId: { in: contact }, authorId: actor.id }] };
  }

  private tabWhere(tab: Exclude<CompanyTab, 'validate'>): Prisma.ApplicationWhereInput {
    if (tab === 'spontaneous') return { offerId: null };
    return { offer: { status: { in: tab === 'current' ? CURRENT_OFFER : ARCHIVED_OFFER } } };
  }

  private companyTabCount(actor: Actor, tab: CompanyTab) {
    if (tab === 'validate') return this.db.offer.count({ where: this.pendingOffersWhere(actor) });
    return this.db.application.count({ where: { AND: [this.companyWhere(actor), this.tabWhere(tab)] } });
  }

  /** Applications of the students the actor follows: their centres' (staff), their years' (year manager), all (platform admin). */
  private schoolWhere(actor: Actor): Prisma.ApplicationWhereInput {
    if (actor.isPlatformAdmin) return {};
    const centres = [...actor.centres.keys()];
    const years = actor.academic.filter((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId).map((a) => a.studyYearId!);
    return { OR: [{ student: { studyYear: { centreId: { in: centres } } } }, { student: { studyYearId: { in: years } } }] };
  }

  async schoolList(actor: Actor, page: number, status: ApplicationStatus | null) {
    const where: Prisma.ApplicationWhereInput = { AND: [this.schoolWhere(actor), status ? { status } : {}] };
    const total = await this.db.application.count({ where });
    const p = pager(page, total);
    const rows = await this.db.application.findMany({ where, include: listInclude, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: p.skip, take: p.size });
    return { rows, pager: p };
  }

  // ───────────── one application ─────────────

  /** How the actor reaches the application (student > company > school), or 404. */
  private async reach(db: Db | Tx, actor: Actor, id: number): Promise<Reach> {
    const a = await db.application.findUnique({
      where: { id },
      select: { studentId: true, organisationId: true, offer: { select: { authorId: true } }, student: { select: { studyYearId: true, studyYear: { select: { centreId: true } } } } },
    });
    if (!a) throw notFound();
    if (actor.student?.profileId === a.studentId) return { party: 'student', mayAct: true };
    const member = actor.companies.find((c) => c.organisationId === a.organisationId);
    if (member && (member.role === 'ADMIN' || (a.offer && a.offer.authorId === actor.id))) return { party: 'company', mayAct: true };
    if (actor.isPlatformAdmin) return { party: 'school', mayAct: true };
    const centreId = a.student.studyYear?.centreId;
    const right = centreId ? actor.centres.get(centreId) : undefined;
    if (right) return { party: 'school', mayAct: RIGHT_RANK[right] >= RIGHT_RANK.WRITE };
    if (actor.academic.some((r) => r.kind === 'YEAR_MANAGER' && r.studyYearId && r.studyYearId === a.student.studyYearId)) return { party: 'school', mayAct: false };
    throw notFound();
  }

  /**
   * One application with its history. The company's first opening marks it READ (mailed to the
   * student like every change).
   */
  async detail(actor: Actor, id: number, meta: Meta = {}) {
    const reach = await this.reach(this.db, actor, id);
    if (reach.party === 'company') {
      const current = await this.db.application.findUniqueOrThrow({ where: { id }, select: { status: true } });
      if (current.status === 'SENT') await this.transition(actor, id, reach, 'SENT', 'READ', null, meta);
    }
    const application = await this.db.application.findUniqueOrThrow({ where: { id }, include: detailInclude });
    const choices = reach.mayAct ? choicesFor(application.status, reach.party) : [];
    return { application, party: reach.party, choices };
  }

  /** A file of the application (CV, letter, other document) for whoever reaches it, or 404. */
  async file(actor: Actor, id: number, fileId: number) {
    await this.reach(this.db, actor, id);
    const a = await this.db.application.findUniqueOrThrow({ where: { id }, select: { cvFileId: true, letterFileId: true, files: { where: { fileId }, select: { fileId: true } } } });
    if (a.cvFileId !== fileId && a.letterFileId !== fileId && !a.files.length) throw notFound();
    const file = await this.db.storedFile.findUnique({ where: { id: fileId }, select: { data: true, mimeType: true, extension: true, originalName: true, sha256: true } });
    if (!file) throw notFound();
    return file;
  }

  /**
   * Changes the status as the workflow allows: 422 when no transition leads there from the current
   * status, 403 when the actor's side may not make it.
   */
  async changeStatus(actor: Actor, id: number, to: ApplicationStatus, comment: string | null, meta: Meta = {}) {
    const reach = await this.reach(this.db, actor, id);
    const { status } = await this.db.application.findUniqueOrThrow({ where: { id }, select: { status: true } });
    const t = transitionFor(status, to);
    if (!t || t.automatic) throw new ValidationError({ status: 'applications.errors.transition' });
    if (!t.by.includes(reach.party) || !reach.mayAct) throw forbidden();
    await this.transition(actor, id, reach, status, to, comment, meta);
  }

  private async transition(actor: Actor, id: number, reach: Reach, from: ApplicationStatus, to: ApplicationStatus, comment: string | null, meta: Meta) {
    const t = transitionFor(from, to)!;
    await this.db.$transaction(async (tx) => {
      // Only from the status read: a change made meanwhile by someone else wins.
      const r = await tx.application.updateMany({ where: { id, status: from }, data: { status: to, ...(to === 'READ' ? { readAt: new Date() } : {}) } });
      if (r.count !== 1) throw new WrongStateError('status', from);
      await tx.applicationEvent.create({ data: { applicationId: id, fromStatus: from, toStatus: to, actorId: actor.id, comment } });
      await audit(tx, { actorId: actor.id, action: 'application.status', entityType: 'Application', entityId: id, before: { status: from }, after: { status: to, by: reach.party, comment }, requestId: meta.requestId });
      const a = await tx.application.findUniqueOrThrow({
        where: { id },
        select: {
          title: true,
          organisationId: true,
          offer: { select: { title: true, authorId: true } },
          organisation: { select: { legalName: true } },
          student: { select: { user: { select: { email: true, firstName: true, lastName: true, locale: true, active: true } } } },
        },
      });
      const data = { title: a.title, offer: a.offer?.title ?? null, organisation: a.organisation.legalName, status: to, link: this.link(id), comment, by: reach.party };
      const mails: QueueEmail[] = [];
      const su = a.student.user;
      if (t.notify.includes('student') && su.active) mails.push({ to: su.email, locale: su.locale, template: 'application-status', data: { ...data, firstName: su.firstName } });
      if (t.notify.includes('company') && reach.party !== 'company') {
        for (const u of await this.companyRecipients(tx, a.organisationId, a.offer?.authorId ?? null)) {
          mails.push({ to: u.email, locale: u.locale, template: 'application-company-status', data: { ...data, firstName: u.firstName, student: `${su.firstName} ${su.lastName}` } });
        }
      }
      await queueEmails(tx, mails);
    });
  }
}

