import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { makeApplicationWorld } from '../factories/applications.js';
import { makeClaimable, makePendingClaim, storePdf } from '../factories/claims.js';
import { makeOrganisation } from '../factories/index.js';
import { makeRequest } from '../factories/requests.js';
import { agent, useApp } from '../helpers/app.js';

/**
 * Facts that must never hold, written by hand and checked as data: each is a loop of real
 * requests by real accounts against seeded records. They do not read the policy table
 * (src/authz/policy.ts) and do not assume how reach is decided, so a wrong line in the policy —
 * or in a service's reach — that lets one of them hold fails here, whatever the authorization
 * matrix (which compares the app with the policy) says.
 *
 * A try "holds" (the fact is broken) when the request succeeds — a page (2xx) or a change (a POST
 * answered 2xx/3xx) — or when the answer shows one of the fact's secrets. `page` tries are pages
 * the actor may open, which must not show the secrets.
 */
interface Try {
  method?: 'GET' | 'POST';
  path: string;
  body?: Record<string, string>;
  page?: boolean;
}
interface Fact {
  never: string;
  actors: string[];
  tries: Try[];
  /** What the answers must not show. */
  secrets: string[];
  /** What must still be true in the database after every try. */
  unchanged?: (db: Db) => Promise<unknown>;
}

/** The seeded records, named for the facts. */
async function seed(db: Db) {
  const w = await makeApplicationWorld(db);
  // Léa: an application to ACME's offer with her CV and letter, a request in the CV book with her CV.
  const cv = await storePdf(db, 'CV Léa Dubois.pdf', w.lea.user.id);
  const letter = await storePdf(db, 'Lettre Léa Dubois.pdf', w.lea.user.id);
  const leaApp = await db.application.create({
    data: { studentId: w.lea.profile.id, offerId: w.offer.id, organisationId: w.acme.id, title: 'Candidature de Léa chez ACME', message: 'Bonjour', cvFileId: cv.id, letterFileId: letter.id },
  });
  await db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { inCvBook: true, cvFileId: cv.id } });
  const leaRequest = await makeRequest(db, w.lea.profile.id, { title: 'Stage de Léa', domain: 'Informatique' });
  // An organisation of the directory with Léa's application to a school offer, claimed by Sam (pending).
  const claimable = await makeClaimable(db, w);
  const claim = await makePendingClaim(db, claimable.organisation.id, w.centreA.id, 'sam@squat.example');
  // An organisation nobody of the companies belongs to.
  const initech = await makeOrganisation(db, { legalName: 'Initech Clermont' });
  await db.contact.create({ data: { organisationId: initech.id, firstName: 'Bill', lastName: 'Lumbergh-Initech', email: 'bill@initech.example' } });
  return { w, cv, letter, leaApp, leaRequest, claimable, claim, initech };
}
type Seeded = Awaited<ReturnType<typeof seed>>;

const COMPANY_USERS = ['admin@acme.test', 'contact@acme.test', 'admin@globex.test'];

const FACTS = (s: Seeded): Fact[] => {
  const laiterie = s.claimable.organisation.id;
  const applicationTries = (id: number, files: number[]): Try[] => [
    { path: `/applications/${id}` },
    ...files.map((f) => ({ path: `/applications/${id}/files/${f}` })),
    { method: 'POST', path: `/applications/${id}/status`, body: { status: 'CANCELLED' } },
  ];
  return [
    {
      never: "a student sees another student's application, CV or letter",
      actors: ['hugo.bernard@etu.test'],
      tries: [
        ...applicationTries(s.leaApp.id, [s.cv.id, s.letter.id]),
        { path: `/cvbook/${s.leaRequest.id}` },
        { path: `/cvbook/${s.leaRequest.id}/cv` },
        { path: `/students/${s.w.lea.profile.id}` },
        { path: `/students/${s.w.lea.profile.id}/cv` },
        { path: '/cvbook', page: true },
        { path: '/applications', page: true },
      ],
      secrets: ['Dubois', 'Candidature de Léa', 'Stage de Léa'],
      unchanged: async (db) => expect((await db.application.findUniqueOrThrow({ where: { id: s.leaApp.id } })).status).toBe('SENT'),
    },
    {
      never: 'a company user reads the applications of an organisation they are not a confirmed member of',
      actors: [...COMPANY_USERS, 'sam@squat.example'],
      tries: [...applicationTries(s.claimable.application.id, [s.claimable.cv.id, s.claimable.letter.id]), { path: '/applications/company', page: true }],
      secrets: ['Candidature qualité'],
      unchanged: async (db) => expect((await db.application.findUniqueOrThrow({ where: { id: s.claimable.application.id } })).status).toBe('SENT'),
    },
    {
      never: "a company user, or a claimant, reads another company's applications",
      actors: ['admin@globex.test', 'sam@squat.example'],
      tries: [...applicationTries(s.leaApp.id, [s.cv.id, s.letter.id]), { path: '/applications/company', page: true }],
      secrets: ['Candidature de Léa'],
    },
    {
      never: 'a pending claimant reaches anything of the organisation claimed',
      actors: ['sam@squat.example'],
      tries: [
        { path: `/organisations/${laiterie}/services` },
        { path: `/organisations/${laiterie}/contacts/new` },
        { path: `/company/${laiterie}` },
        { path: `/company/${laiterie}/edit` },
        { path: `/offers/manage/${s.claimable.offer.id}` },
        { path: `/offers/manage/new?organisation=${laiterie}` },
        { path: '/offers/manage', page: true },
        { path: '/dashboard/company' },
        { method: 'POST', path: `/organisations/${laiterie}/claim/accept` },
      ],
      secrets: ['Fromager', 'Stage qualité laitière', 'Candidature qualité'],
      unchanged: async (db) => expect((await db.companyMembership.findUniqueOrThrow({ where: { id: s.claim.membership.id } })).status).toBe('PENDING'),
    },
    {
      never: 'a company user opens the offer form for an organisation that is not theirs',
      actors: COMPANY_USERS,
      tries: [laiterie, s.initech.id].flatMap((id) => [{ path: `/offers/manage/new?organisation=${id}` }, { path: `/offers/manage/new-short?organisation=${id}` }]),
      secrets: ['Laiterie des Dômes', 'Fromager', 'Initech', 'Lumbergh'],
    },
    {
      never: "someone other than WRITE staff of the organisation's reference centre decides its claim",
      actors: ['b.write@test.example', 'a.read@test.example', 'mixed@test.example', 'lea.dubois@etu.test', 'admin@acme.test', 'sam@squat.example'],
      tries: [
        { method: 'POST', path: `/organisations/${laiterie}/claim/accept` },
        { method: 'POST', path: `/organisations/${laiterie}/claim/refuse`, body: { reason: 'Non.' } },
        { path: '/organisations/queue', page: true },
      ],
      secrets: ['sam@squat.example'],
      unchanged: async (db) => expect((await db.companyMembership.findUniqueOrThrow({ where: { id: s.claim.membership.id } })).status).toBe('PENDING'),
    },
  ];
};

describe('authorization: facts that must never hold', () => {
  const t = useApp();
  let s: Seeded;
  beforeEach(async () => {
    s = await seed(t.db);
  });

  /** Every try of the fact by every actor; what held, as readable lines. */
  async function check(fact: Fact): Promise<string[]> {
    const held: string[] = [];
    for (const email of fact.actors) {
      const { a, csrf } = await agent(t.app, email);
      for (const tr of fact.tries) {
        const res = tr.method === 'POST' ? await a.post(tr.path).type('form').send({ _csrf: csrf, ...tr.body }) : await a.get(tr.path);
        const ok = res.status < (tr.method === 'POST' ? 400 : 300) && !/^\/login/.test(res.headers.location ?? '');
        const body = (res.text ?? '') + (res.body instanceof Buffer ? res.body.toString('latin1') : '');
        const shown = fact.secrets.filter((x) => body.includes(x));
        if ((ok && !tr.page) || shown.length) held.push(`${email} ${tr.method ?? 'GET'} ${tr.path} → ${res.status}${shown.length ? ` showing ${shown.join(', ')}` : ''}`);
      }
      await fact.unchanged?.(t.db);
    }
    return held;
  }

  // One test per fact, named by it (the list is built once the records exist).
  const NAMES = [
    "a student sees another student's application, CV or letter",
    'a company user reads the applications of an organisation they are not a confirmed member of',
    "a company user, or a claimant, reads another company's applications",
    'a pending claimant reaches anything of the organisation claimed',
    'a company user opens the offer form for an organisation that is not theirs',
    "someone other than WRITE staff of the organisation's reference centre decides its claim",
  ];
  for (const [i, name] of NAMES.entries()) {
    it(`never: ${name}`, async () => {
      const fact = FACTS(s)[i];
      expect(fact.never).toBe(name);
      expect(await check(fact), fact.never).toEqual([]);
    }, 60_000);
  }
});
