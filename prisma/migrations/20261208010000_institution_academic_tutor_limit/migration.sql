-- AlterTable
ALTER TABLE "Institution" ADD COLUMN     "academicTutorLimit" INTEGER;

