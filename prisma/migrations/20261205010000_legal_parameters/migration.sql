-- CreateTable
CREATE TABLE "LegalParameter" (
    "id" SERIAL NOT NULL,
    "country" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" DECIMAL(12,4) NOT NULL,
    "currency" TEXT,
    "validFrom" DATE NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" INTEGER,
    "supersededAt" TIMESTAMP(3),
    "correctionOfId" INTEGER,

    CONSTRAINT "LegalParameter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LegalParameter_country_key_validFrom_idx" ON "LegalParameter"("country", "key", "validFrom");

-- AddForeignKey
ALTER TABLE "LegalParameter" ADD CONSTRAINT "LegalParameter_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LegalParameter" ADD CONSTRAINT "LegalParameter_correctionOfId_fkey" FOREIGN KEY ("correctionOfId") REFERENCES "LegalParameter"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- The figures of issue 11, seeded (the platform administrator edits them at /admin/legal-parameters;
-- a new rate is one more row). '*' holds the defaults of every country without a row of its own.
INSERT INTO "LegalParameter" ("country", "key", "value", "currency", "validFrom") VALUES
    ('*',  'duration.hours_per_day',        7,    NULL, '2000-01-01'),
    ('*',  'duration.days_per_month',       22,   NULL, '2000-01-01'),
    ('*',  'stipend.compulsory',            0,    NULL, '2000-01-01'),
    ('FR', 'stipend.compulsory',            1,    NULL, '2000-01-01'),
    ('FR', 'stipend.threshold_hours',       308,  NULL, '2000-01-01'),
    ('FR', 'stipend.hourly_minimum',        4.05, 'EUR', '2023-01-01'),
    ('FR', 'stipend.hourly_minimum',        4.35, 'EUR', '2024-01-01'),
    ('FR', 'stipend.hourly_minimum',        4.50, 'EUR', '2026-01-01'),
    ('FR', 'duration.hours_per_day',        7,    NULL, '2000-01-01'),
    ('FR', 'duration.days_per_month',       22,   NULL, '2000-01-01'),
    ('FR', 'duration.max_hours_per_host',   924,  NULL, '2000-01-01'),
    ('FR', 'schedule.max_daily_hours',      10,   NULL, '2000-01-01'),
    ('FR', 'schedule.max_weekly_hours',     48,   NULL, '2000-01-01'),
    ('FR', 'schedule.warning_weekly_hours', 35,   NULL, '2000-01-01'),
    ('FR', 'leave.required_above_hours',    308,  NULL, '2000-01-01'),
    ('BE', 'stipend.compulsory',            0,    NULL, '2000-01-01'),
    ('TN', 'stipend.compulsory',            0,    NULL, '2000-01-01'),
    ('TN', 'duration.min_weeks',            4,    NULL, '2000-01-01'),
    ('TN', 'duration.max_months',           6,    NULL, '2000-01-01'),
    ('MA', 'stipend.compulsory',            0,    NULL, '2000-01-01');
