-- CreateTable
CREATE TABLE "AttestationLink" (
    "id" SERIAL NOT NULL,
    "agreementId" INTEGER NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttestationLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AttestationLink_tokenHash_key" ON "AttestationLink"("tokenHash");

-- CreateIndex
CREATE INDEX "AttestationLink_agreementId_idx" ON "AttestationLink"("agreementId");

-- AddForeignKey
ALTER TABLE "AttestationLink" ADD CONSTRAINT "AttestationLink_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

