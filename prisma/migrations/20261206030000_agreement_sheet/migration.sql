-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_sheetId_fkey" FOREIGN KEY ("sheetId") REFERENCES "InternshipSheet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

