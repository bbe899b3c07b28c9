import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import { SignatureStatus } from '../../generated/prisma/enums.js';
import type { CalendarDate } from '../../time/calendar.js';
import { defineWorkflow, type Transition } from '../../workflow/engine.js';

/** What the workflow needs to know of one signature. */
export interface SignatureRecord {
  status: SignatureStatus;
  /** The account that signs (null: a contact without an account, who signs from a link). */
  signerId: number | null;
  /** The institution's signature when the centre designated nobody: any WRITE staff of the centre gives it. */
  byCentre: boolean;
  centreId: number;
  /** The day it was asked for (reminders count from it). */
  invitedOn: CalendarDate | null;
  /** Set by the link's check, never from a form: the request carries a valid link to this signature. */
  viaLink: boolean;
}

type Action = 'invite' | 'sign' | 'recordPaper' | 'remind' | 'void';
type Party = 'signer' | 'linkHolder' | 'centreWriter' | 'system';
type Row = Transition<SignatureStatus, Action, SignatureRecord, Party, never, 'signer'>;
const toSigner = (template: string) => [{ to: 'signer' as const, template }];

/** Days after the invitation on which an unsigned signer is reminded (issue 13: 3 and 7). */
export const REMINDER_DAYS = [3, 7] as const;
/** A link is valid this many days (the last reminder sends a fresh one). */
export const LINK_DAYS = 7;

/**
 * One party's signature of an agreement (issue 13). WAITING (its turn has not come, in sequence) →
 * INVITED (mailed: a link for a signer without an account) → SIGNED, online by the signer signed in
 * or from the link, or on paper recorded by the centre's WRITE staff with the scan. A change of the
 * printed content, or the phase cancelled, voids it (VOIDED rows stay as history; the phase starts
 * again with new rows). Reminders: the deadline's reminders, 3 and 7 days after the invitation
 * (the job), or by hand by WRITE staff (`remind`, one per signer per 24 h: the service's rule).
 */
export const SIGNATURE_WORKFLOW = defineWorkflow({
  name: 'signature',
  entity: 'AgreementSignature',
  i18n: 'signatures',
  states: Object.values(SignatureStatus),
  tones: { WAITING: 'neutral', INVITED: 'info', SIGNED: 'success', VOIDED: 'danger' },
  parties: {
    signer: (actor: Actor | null, r: SignatureRecord) => !!actor && (r.signerId !== null ? actor.id === r.signerId : r.byCentre && hasCentreRight(actor, r.centreId, 'WRITE')),
    linkHolder: (actor, r) => actor === null && r.viaLink,
    centreWriter: (actor, r) => hasCentreRight(actor, r.centreId, 'WRITE'),
    system: (actor) => actor === null,
  },
  transitions: ([
    { action: 'invite', from: ['WAITING'], to: 'INVITED', by: ['system', 'centreWriter'], automatic: true, tell: toSigner('signature-invite') },
    { action: 'sign', from: ['INVITED'], to: 'SIGNED', by: ['signer', 'linkHolder'], awaits: true, tone: 'primary' },
    { action: 'recordPaper', from: ['WAITING', 'INVITED'], to: 'SIGNED', by: ['centreWriter'] },
    { action: 'remind', from: ['INVITED'], to: 'same', by: ['centreWriter', 'system'], tell: toSigner('signature-reminder') },
    { action: 'void', from: ['WAITING', 'INVITED', 'SIGNED'], to: 'VOIDED', by: ['system', 'centreWriter'], automatic: true, tell: toSigner('signature-voided') },
  ] satisfies Row[]) as Row[],
  deadlines: [
    {
      states: ['INVITED'],
      // The "due" day is the last reminder's; the first comes REMINDER_DAYS[0] days after the invitation.
      due: (r) => r.invitedOn?.addDays(REMINDER_DAYS[1]) ?? null,
      reminders: REMINDER_DAYS.map((d) => ({ daysBefore: REMINDER_DAYS[1] - d, tell: toSigner('signature-reminder') })),
    },
  ],
});

export type SignatureAction = (typeof SIGNATURE_WORKFLOW)['actions'][number];
