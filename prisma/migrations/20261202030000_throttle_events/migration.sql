-- DropTable
DROP TABLE "LoginFailure";

-- CreateTable
CREATE TABLE "ThrottleEvent" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ThrottleEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ThrottleEvent_key_createdAt_idx" ON "ThrottleEvent"("key", "createdAt");

-- CreateIndex
CREATE INDEX "ThrottleEvent_createdAt_idx" ON "ThrottleEvent"("createdAt");

