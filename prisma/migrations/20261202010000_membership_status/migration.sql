-- A claim of an organisation of the directory grants nothing until WRITE staff of its reference
-- centre confirm it (issue 8): memberships get a status, CONFIRMED for every existing one.

-- CreateEnum
CREATE TYPE "MembershipStatus" AS ENUM ('PENDING', 'CONFIRMED');

-- AlterTable
ALTER TABLE "CompanyMembership" ADD COLUMN     "status" "MembershipStatus" NOT NULL DEFAULT 'CONFIRMED';

-- Claims registered before this change, of organisations that no centre has verified since (the
-- verification was then the only look staff took at a claim), wait for their centre like a new
-- claim: the administrator and the contacts that registration named.
UPDATE "CompanyMembership" m SET "status" = 'PENDING'
FROM "AuditLog" a, "Organisation" o
WHERE a."action" = 'company.register'
  AND a."after"->>'mode' = 'claim'
  AND a."entityId" = o.id::text
  AND o.id = m."organisationId"
  AND NOT o.verified
  AND (m.id::text = a."after"->>'adminMembershipId'
       OR m.id::text IN (SELECT c->>'membershipId' FROM jsonb_array_elements(COALESCE(a."after"->'contacts', '[]'::jsonb)) c));
