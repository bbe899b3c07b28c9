-- AlterTable
ALTER TABLE "Agreement" ADD COLUMN     "attestationConfirmedAt" TIMESTAMP(3),
ADD COLUMN     "attestationConfirmedById" INTEGER,
ADD COLUMN     "attestationStipendPaid" DECIMAL(12,2);

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_attestationConfirmedById_fkey" FOREIGN KEY ("attestationConfirmedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

