import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import { ApplicationStatus } from '../../generated/prisma/enums.js';
import { defineWorkflow } from '../../workflow/engine.js';

/** What the workflow needs to know of an application to tell who is who towards it. */
export interface ApplicationRecord {
  status: ApplicationStatus;
  studentId: number;
  organisationId: number;
  /** The author of the offer applied to (null: a spontaneous application, or no author). */
  offerAuthorId: number | null;
  /** The student's study year and its centre (null: the student has no year). */
  studyYearId: number | null;
  centreId: number | null;
}

/** The statuses an application can still move from (ACCEPTED and CANCELLED are final). */
const OPEN: ApplicationStatus[] = ['SENT', 'READ', 'INTERVIEW'];

/**
 * SENT ("En cours") → READ ("Lue", when the company says so: "Marquer comme lue") → INTERVIEW ("Rendez-vous")
 * → ACCEPTED ("Satisfaite") | CANCELLED ("Annulée": by the student, the company or the school).
 * ACCEPTED and CANCELLED are final. The student is told of every change; the company of the
 * changes it did not make (hence one cancel row per party). Rows are in the order a person
 * holding two parties is taken for: student, then company, then school.
 * READ staff and year managers reach an application (they see it) but are no party: no action.
 * Opening an application changes nothing (a GET never does): reading is the company's explicit
 * action, or implied by its first other change (the service then writes readAt).
 */
export const APPLICATION_WORKFLOW = defineWorkflow({
  name: 'application',
  entity: 'Application',
  i18n: 'applications',
  states: Object.values(ApplicationStatus),
  // Sent (awaiting the company): info; read: neutral; an interview to prepare: warning; "Satisfaite": success.
  icons: { accept: 'validate', cancel: 'withdraw' },
  tones: { SENT: 'info', READ: 'neutral', INTERVIEW: 'warning', ACCEPTED: 'success', CANCELLED: 'danger' },
  parties: {
    student: (actor: Actor | null, a: ApplicationRecord) => !!actor?.student && actor.student.profileId === a.studentId,
    company: (actor, a) => !!actor?.companies.some((c) => c.organisationId === a.organisationId && (c.role === 'ADMIN' || a.offerAuthorId === actor.id)),
    school: (actor, a) => hasCentreRight(actor, a.centreId, 'WRITE'),
  },
  transitions: [
    // Every open application awaits the company's answer (read it, invite, accept): its to-do list.
    { action: 'read', from: ['SENT'], to: 'READ', by: ['company'], awaits: true, tell: [{ to: 'student', template: 'application-status' }] },
    { action: 'interview', from: ['SENT', 'READ'], to: 'INTERVIEW', by: ['company'], awaits: true, tell: [{ to: 'student', template: 'application-status' }] },
    {
      action: 'accept',
      from: OPEN,
      to: 'ACCEPTED',
      by: ['company'],
      awaits: true,
      tone: 'primary',
      // "Satisfaite": the student's school (WRITE staff of the centre, the year manager) prepares what follows.
      tell: [
        { to: 'student', template: 'application-status' },
        { to: 'school', template: 'application-accepted' },
      ],
    },
    // The company is told of a cancellation it did not make itself.
    {
      action: 'cancel',
      from: OPEN,
      to: 'CANCELLED',
      by: ['student', 'school'],
      tone: 'danger',
      tell: [
        { to: 'student', template: 'application-status' },
        { to: 'company', template: 'application-company-status' },
      ],
    },
    { action: 'cancel', from: OPEN, to: 'CANCELLED', by: ['company'], tone: 'danger', tell: [{ to: 'student', template: 'application-status' }] },
  ],
  groups: {
    open: OPEN,
    /** Read by the company, not yet decided ("en cours de traitement"). */
    inProgress: ['READ', 'INTERVIEW'],
  },
  // One audit action for every change, as the history and the audit pages have always read it.
  auditAction: () => 'application.status',
});

export type ApplicationAction = (typeof APPLICATION_WORKFLOW)['actions'][number];
export type ApplicationParty = keyof (typeof APPLICATION_WORKFLOW)['def']['parties'];

/** The action a person asks for by choosing the status it leads to (the status form), or null. */
export function actionTo(status: ApplicationStatus): ApplicationAction | null {
  return APPLICATION_WORKFLOW.def.transitions.find((t) => !t.automatic && t.to === status)?.action ?? null;
}

/** The statuses the actor may choose on the record's status form: the targets of their actions. */
export function statusChoices(actor: Actor | null, record: ApplicationRecord): ApplicationStatus[] {
  const wf = APPLICATION_WORKFLOW;
  return wf.availableActions(actor, record).map((a) => wf.target(wf.require(actor, record, a.action), record));
}

const PARTIES = Object.keys(APPLICATION_WORKFLOW.def.parties) as ApplicationParty[];

/**
 * The party the actor is towards the record: the first of `among` (by default every party, in the
 * definition's order) whose rule they meet; null when none.
 */
export function partyOf(actor: Actor | null, record: ApplicationRecord, among: readonly ApplicationParty[] = PARTIES): ApplicationParty | null {
  return among.find((p) => APPLICATION_WORKFLOW.def.parties[p](actor, record)) ?? null;
}
