// The statuses shown as badges (views/partials/status-badge.ejs): for each kind of record, the
// label of a status and its tone. A workflow's come from its definition (labels
// `<i18n>.status.<state>`, `tones`); the few statuses outside a workflow are declared here, once.
import { APPLICATION_WORKFLOW } from '../modules/applications/applications.workflow.js';
import { OFFER_WORKFLOW } from '../modules/offers/offers.workflow.js';
import { AGREEMENT_WORKFLOW } from '../modules/agreements/agreements.workflow.js';
import { SHEET_WORKFLOW } from '../modules/sheets/sheets.workflow.js';
import { AMENDMENT_WORKFLOW } from '../modules/amendments/amendments.workflow.js';
import { MIDTERM_WORKFLOW } from '../modules/followup/midterm.workflow.js';
import { SIGNATURE_WORKFLOW } from '../modules/signatures/signatures.workflow.js';
import { TICKET_WORKFLOW } from '../modules/helpdesk/ticket.workflow.js';
import type { StatusTone, Workflow } from '../workflow/engine.js';

export type { StatusTone };

interface StatusKind {
  /** Every status of the kind (the tests check that each has a label and a tone). */
  states: readonly string[];
  /** The catalogue key of a status's label. */
  label: (status: string) => string;
  tone: (status: string) => StatusTone;
}

function fromWorkflow<S extends string>(w: Pick<Workflow<S, string, { status: S }, string>, 'states' | 'stateLabel' | 'stateTone'>): StatusKind {
  return { states: w.states, label: (s) => w.stateLabel(s as S), tone: (s) => w.stateTone(s as S) };
}

function table(prefix: string, tones: Record<string, StatusTone>): StatusKind {
  return { states: Object.keys(tones), label: (s) => `${prefix}.${s}`, tone: (s) => tones[s] ?? 'neutral' };
}

export const STATUS_KINDS = {
  offer: fromWorkflow(OFFER_WORKFLOW),
  application: fromWorkflow(APPLICATION_WORKFLOW),
  /** An internship agreement (Agreement.status). */
  agreement: fromWorkflow(AGREEMENT_WORKFLOW),
  /** One party's signature of an agreement (AgreementSignature.status). */
  signature: fromWorkflow(SIGNATURE_WORKFLOW),
  /** An amendment of an agreement (AgreementAmendment.status). */
  amendment: fromWorkflow(AMENDMENT_WORKFLOW),
  /** A mid-term report (MidtermReport.status). */
  midterm: fromWorkflow(MIDTERM_WORKFLOW),
  /** A student's internship sheet (InternshipSheet.status). */
  sheet: fromWorkflow(SHEET_WORKFLOW),
  /** A help-desk ticket (Ticket.status). */
  ticket: fromWorkflow(TICKET_WORKFLOW),
  /** A student's internship request (InternshipRequest.status). */
  request: table('requests.status', { OPEN: 'success', CLOSED: 'neutral' }),
  /** A host organisation's data, checked by a centre or not (Organisation.verified). */
  verification: table('status.verification', { VERIFIED: 'success', UNVERIFIED: 'warning' }),
  /** A message of the outbox (development mailbox). */
  mail: table('mailbox.status', { PENDING: 'info', SENT: 'success', FAILED: 'danger' }),
  /** A row of the legal parameter table, today (LegalParameterService.overview). */
  legalParameter: table('legal.parameters.status', { IN_FORCE: 'success', UPCOMING: 'info', PAST: 'neutral', SUPERSEDED: 'warning' }),
} satisfies Record<string, StatusKind>;

export type StatusKindName = keyof typeof STATUS_KINDS;

/** What a badge shows for `status` of `kind`: its label's catalogue key and its tone. */
export function statusBadge(kind: StatusKindName, status: string): { label: string; tone: StatusTone } {
  const k = STATUS_KINDS[kind];
  return { label: k.label(status), tone: k.tone(status) };
}
