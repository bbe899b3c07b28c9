import { defineConfig } from 'prisma/config';

// Prisma 7 reads the connection here (migrate/studio on machines that have the schema engine);
// the app itself builds its client from src/config.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/stages' },
});
