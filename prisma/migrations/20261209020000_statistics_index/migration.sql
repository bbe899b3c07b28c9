-- CreateIndex
CREATE INDEX "Agreement_statistics_idx" ON "Agreement"("academicYear", "centreId", "programmeId", "status", "validatedAt", "startDate", "endDate", "id", "organisationId", "studyYearId", "sheetId", "createdAt", "presenceMonths", "presenceDays", "stipendDue", "type", "holidaysCountry", "payAmount", "payUnit", "currency", "presenceHours", "daysPerWeek");

