// Runs `prisma generate` without the native schema engine, which cannot be downloaded on
// machines without access to Prisma's binary host. generate does not use the engine, so the
// override is scoped to this one call (see ../shared/docs/toolchain.md): `prisma migrate`
// elsewhere keeps its real engine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('prisma/schema.prisma')) process.exit(0);
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
const r = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
