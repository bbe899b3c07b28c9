import type { Actor } from '../../authz/actor.js';
import { defineWorkflow, type Tell, type Transition } from '../../workflow/engine.js';
import type { Told } from '../agreements/agreements.service.js';
import { LABEL_STEPS } from '../followup/label.steps.js';

/**
 * The programme manager's decision on the label (LabelAward): none yet (PENDING), AWARDED (with a
 * verification code), REFUSED (with a reason), WITHDRAWN (an awarded label taken back, dated, with
 * a reason). The row's `decision` and `withdrawnAt` hold the state.
 */
export type AwardStatus = 'PENDING' | 'AWARDED' | 'REFUSED' | 'WITHDRAWN';

export interface AwardRecord {
  status: AwardStatus;
  programmeId: number | null;
}

type Action = 'award' | 'refuse' | 'withdraw';
type Row = Transition<AwardStatus, Action, AwardRecord, 'programmeManager', never, Told>;

/** The state of a LabelAward row (none: PENDING). */
export function awardStatus(row: { decision: 'AWARDED' | 'REFUSED'; withdrawnAt: Date | null } | null): AwardStatus {
  if (!row) return 'PENDING';
  if (row.decision === 'REFUSED') return 'REFUSED';
  return row.withdrawnAt ? 'WITHDRAWN' : 'AWARDED';
}

/** Who the step table says is told when the label step is done, with the award's own mail (the certificate's link). */
const awardTold: Tell<Told>[] = LABEL_STEPS.find((s) => s.code === 'labelAward')!
  .tell.filter((w): w is Told => w === 'student' || w === 'companyTutor' || w === 'academicTutor')
  .map((to) => ({ to, template: 'label-awarded' }));

/**
 * Whether every mandatory step is done is checked by the service against the step table (with the
 * missing steps named), not here: the engine answers who (403) and in which state (422).
 */
export const LABEL_AWARD_WORKFLOW = defineWorkflow({
  name: 'label',
  entity: 'Agreement',
  i18n: 'label',
  states: ['PENDING', 'AWARDED', 'REFUSED', 'WITHDRAWN'] as const,
  tones: { PENDING: 'info', AWARDED: 'success', REFUSED: 'danger', WITHDRAWN: 'warning' },
  parties: {
    programmeManager: (actor: Actor | null, r: AwardRecord) => !!actor && r.programmeId !== null && actor.academic.some((x) => x.kind === 'PROGRAMME_MANAGER' && x.programmeId === r.programmeId),
  },
  transitions: ([
    { action: 'award', from: ['PENDING'], to: 'AWARDED', by: ['programmeManager'], awaits: true, tone: 'primary', tell: awardTold },
    { action: 'refuse', from: ['PENDING'], to: 'REFUSED', by: ['programmeManager'], tone: 'danger', tell: [{ to: 'student', template: 'label-refused' }] },
    { action: 'withdraw', from: ['AWARDED'], to: 'WITHDRAWN', by: ['programmeManager'], tone: 'danger', tell: [{ to: 'student', template: 'label-withdrawn' }] },
  ] satisfies Row[]) as Row[],
});

export type AwardAction = Action;
