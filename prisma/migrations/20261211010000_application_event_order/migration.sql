-- DropIndex
DROP INDEX "ApplicationEvent_applicationId_idx";

-- CreateIndex
CREATE INDEX "ApplicationEvent_applicationId_id_idx" ON "ApplicationEvent"("applicationId", "id");

