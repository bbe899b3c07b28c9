// Who signs an agreement, from the centre's settings and the agreement's parties (issue 13).
import type { DbOrTx } from '../../db/client.js';
import type { SignatureParty } from '../../generated/prisma/enums.js';
import type { SignatureParty as DocParty } from '../../documents/index.js';

/** The printed documents' names of the parties (src/documents). */
export const DOC_PARTY: Record<SignatureParty, DocParty> = {
  STUDENT: 'student',
  HOST_SIGNATORY: 'hostSignatory',
  COMPANY_TUTOR: 'companyTutor',
  ACADEMIC_TUTOR: 'academicTutor',
  INSTITUTION: 'institution',
};

export interface Signer {
  party: SignatureParty;
  signerName: string;
  /** The address on the agreement: links only ever go there. */
  signerEmail: string | null;
  /** The account that signs signed in; null: from a link (or, for the institution without a designated person, any WRITE staff of the centre). */
  signerId: number | null;
}

export interface SignersInput {
  studentId: number;
  organisationId: number;
  signatoryId: number | null;
  companyTutorId: number | null;
  academicTutorId: number | null;
  centre: { signatureParties: SignatureParty[]; signatureRepresentativeId: number | null };
}

const name = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`;

/**
 * The signers in the centre's order, or the parties that cannot sign yet (no signatory, no tutor,
 * a contact without an address and without an account). A contact signs signed in when its account
 * can see the agreement (the company tutor; the host signatory when an administrator of the host),
 * else from a link sent to its address.
 */
export async function resolveSigners(db: DbOrTx, a: SignersInput): Promise<{ signers: Signer[]; missing: SignatureParty[] }> {
  const signers: Signer[] = [];
  const missing: SignatureParty[] = [];
  const contact = async (id: number | null, accountIfAdmin: boolean) => {
    if (!id) return null;
    const c = await db.contact.findUnique({ where: { id }, select: { firstName: true, lastName: true, email: true, userId: true } });
    if (!c) return null;
    let signerId = c.userId;
    if (signerId && accountIfAdmin) {
      const admin = await db.companyMembership.findFirst({ where: { userId: signerId, organisationId: a.organisationId, role: 'ADMIN' }, select: { userId: true } });
      signerId = admin ? signerId : null;
    }
    return signerId || c.email ? { signerName: name(c), signerEmail: c.email, signerId } : null;
  };
  const user = async (id: number | null) => {
    if (!id) return null;
    const u = await db.user.findFirst({ where: { id, active: true }, select: { id: true, firstName: true, lastName: true, email: true } });
    return u ? { signerName: name(u), signerEmail: u.email, signerId: u.id } : null;
  };
  for (const party of a.centre.signatureParties) {
    let s: Omit<Signer, 'party'> | null = null;
    if (party === 'STUDENT') s = await user((await db.studentProfile.findUniqueOrThrow({ where: { id: a.studentId }, select: { userId: true } })).userId);
    else if (party === 'HOST_SIGNATORY') s = await contact(a.signatoryId, true);
    else if (party === 'COMPANY_TUTOR') s = await contact(a.companyTutorId, false);
    else if (party === 'ACADEMIC_TUTOR') s = await user(a.academicTutorId);
    // The centre's designated person; none designated: any WRITE staff of the centre signs for it.
    else s = a.centre.signatureRepresentativeId ? await user(a.centre.signatureRepresentativeId) : { signerName: '', signerEmail: null, signerId: null };
    if (s) signers.push({ party, ...s });
    else missing.push(party);
  }
  return { signers, missing };
}
