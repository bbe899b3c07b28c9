import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, errorMessage, InUseError, notFound, ValidationError, WrongStateError } from '../../src/errors.js';

describe('error codes', () => {
  it('every code has a status and a French and an English message', () => {
    for (const [code, e] of Object.entries(ERROR_CODES)) {
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.fr.trim().length, `${code} fr`).toBeGreaterThan(0);
      expect(e.en.trim().length, `${code} en`).toBeGreaterThan(0);
      expect(e.fr, `${code}: the two messages differ`).not.toBe(e.en);
    }
  });

  it('errors take their status from the registry', () => {
    expect(notFound().status).toBe(404);
    expect(new ValidationError({ name: 'errors.field.required' }).status).toBe(422);
    expect(new WrongStateError('approve', 'DRAFT')).toMatchObject({ status: 422, code: 'wrong_state', params: { action: 'approve', state: 'DRAFT' } });
    expect(new InUseError([]).status).toBe(422);
    expect(new AppError('csrf').status).toBe(403);
    expect(errorMessage('wrong_state', 'en')).toMatch(/current state/);
  });
});
