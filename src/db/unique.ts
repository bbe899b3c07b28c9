import { Prisma } from '../generated/prisma/client.js';
import { ValidationError } from '../errors.js';

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/**
 * Runs a write and turns a unique-constraint clash into a field error (422 beside `field`) —
 * the database decides, so two concurrent requests cannot both pass a "check first".
 */
export async function uniqueAs<T>(field: string, run: () => Promise<T>, key = 'errors.field.duplicate'): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ [field]: key });
    throw err;
  }
}
