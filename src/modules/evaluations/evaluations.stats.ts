// Aggregated, anonymous figures of the students' evaluations of their internships at one organisation
// (issue 14), for staff (centre staff, programme managers) on the organisation's page: how many
// answered, the share who would recommend it, the mean of each 5-point question. Nothing below
// MIN_ANSWERS answers: with fewer, a figure could point at one student.
import { Service } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import { definitionOf, questionsOf, type Label } from './forms.js';

export const MIN_ANSWERS = 5;
/** The yes/no question the "would recommend" share is read from (the default form's key). */
export const RECOMMEND_KEY = 'recommend';

export interface OrganisationFigures {
  count: number;
  /** Share (0–1) of those who answered the question who said yes; null when no form asked it. */
  recommend: number | null;
  /** One row per 5-point question, in the forms' order. */
  means: { key: string; label: Label; mean: number; answers: number }[];
}

/** Staff who may read the figures: members of a centre, programme managers (not the platform administrator's pages). */
export function readsFigures(actor: Actor): boolean {
  return actor.centres.size > 0 || actor.academic.some((r) => r.kind === 'PROGRAMME_MANAGER');
}

export class EvaluationStatsService extends Service {
  /** The organisation's figures for this actor, or null (not staff, or fewer than MIN_ANSWERS answers). */
  async organisation(actor: Actor, organisationId: number): Promise<OrganisationFigures | null> {
    if (!readsFigures(actor)) return null;
    // Counted in the database, never a row per evaluation in memory.
    const [totals] = await this.db.$queryRaw<{ count: bigint; asked: bigint; yes: bigint }[]>`
      SELECT count(*) AS count,
             count(*) FILTER (WHERE e.answers ->> ${RECOMMEND_KEY} IS NOT NULL) AS asked,
             count(*) FILTER (WHERE e.answers ->> ${RECOMMEND_KEY} = 'yes') AS yes
      FROM "Evaluation" e JOIN "Agreement" a ON a.id = e."agreementId"
      WHERE e.kind = 'STUDENT' AND a."organisationId" = ${organisationId}`;
    const count = Number(totals?.count ?? 0);
    if (count < MIN_ANSWERS) return null;
    // Only the 5-point answers are stored as numbers (forms.ts): their means, per question key.
    const rows = await this.db.$queryRaw<{ key: string; mean: number; answers: bigint }[]>`
      SELECT q.key, avg((q.value)::text::numeric)::float8 AS mean, count(*) AS answers
      FROM "Evaluation" e JOIN "Agreement" a ON a.id = e."agreementId", jsonb_each(e.answers) q
      WHERE e.kind = 'STUDENT' AND a."organisationId" = ${organisationId} AND jsonb_typeof(q.value) = 'number'
      GROUP BY q.key`;
    const labels = await this.labels(organisationId);
    const order = [...labels.keys()];
    const means = rows
      .filter((r) => labels.has(r.key))
      .map((r) => ({ key: r.key, label: labels.get(r.key)!, mean: Math.round(r.mean * 10) / 10, answers: Number(r.answers) }))
      .sort((x, y) => order.indexOf(x.key) - order.indexOf(y.key));
    const asked = Number(totals.asked);
    return { count, recommend: asked ? Number(totals.yes) / asked : null, means };
  }

  /** The 5-point questions' labels, from the forms these evaluations answered (the latest version's wording first). */
  private async labels(organisationId: number): Promise<Map<string, Label>> {
    const forms = await this.db.evaluationForm.findMany({
      where: { kind: 'STUDENT', evaluations: { some: { agreement: { organisationId } } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { definition: true },
    });
    const out = new Map<string, Label>();
    for (const f of forms) for (const q of questionsOf(definitionOf(f.definition))) if (q.type === 'scale' && !out.has(q.key)) out.set(q.key, q.label);
    return out;
  }
}
