import { describe, expect, it } from 'vitest';
import { describeSendError, mailDomain, MAX_ATTEMPTS, retryDelayMs, RETRY_DELAYS_MS } from '../../src/mail/dispatcher.js';
import { loadCatalogue } from '../../src/i18n/index.js';

describe('retry back-off', () => {
  it('waits 1 min, 5 min, 30 min, then 2 h between attempts', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([60_000, 300_000, 1_800_000, 7_200_000]);
    expect(retryDelayMs(9)).toBe(RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]);
    expect(retryDelayMs(0)).toBe(60_000);
  });

  it('gives up after a bounded number of attempts', () => {
    expect(MAX_ATTEMPTS).toBeGreaterThan(1);
    expect(MAX_ATTEMPTS).toBeLessThanOrEqual(10);
  });
});

describe('describeSendError', () => {
  it('keeps the code, the SMTP reply code and the reply, without e-mail addresses', () => {
    const err = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 Mailbox <jean.dupont@exemple.fr> unavailable"), {
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 Mailbox <jean.dupont@exemple.fr> unavailable',
    });
    const s = describeSendError(err);
    expect(s).toBe('EENVELOPE 550 Mailbox <address> unavailable');
    expect(s).not.toContain('jean.dupont');
  });

  it('is short, whatever the error', () => {
    expect(describeSendError(new Error('x'.repeat(5000))).length).toBeLessThanOrEqual(300);
    expect(describeSendError(undefined)).toBeTruthy();
    expect(describeSendError(Object.assign(new Error('Message failed'), { code: 'EMESSAGE', responseCode: 451 }))).toBe('EMESSAGE 451 Message failed');
    expect(describeSendError('plain string')).toBe('plain string');
    expect(describeSendError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ESOCKET' }))).toBe('ESOCKET connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('mailDomain', () => {
  it('reads the domain of MAIL_FROM', () => {
    expect(mailDomain('Stages <no-reply@stages.example.fr>')).toBe('stages.example.fr');
    expect(mailDomain('no-reply@univ.fr')).toBe('univ.fr');
    expect(mailDomain('nobody')).toBe('stages.localhost');
  });
});

describe('mailbox catalogues', () => {
  it('has the same keys in French and English, none empty', () => {
    const keys = (l: 'fr' | 'en') => Object.entries(loadCatalogue(l)).filter(([k]) => k.startsWith('mailbox.'));
    const fr = keys('fr');
    const en = keys('en');
    expect(fr.length).toBeGreaterThan(10);
    expect(fr.map(([k]) => k).sort()).toEqual(en.map(([k]) => k).sort());
    expect([...fr, ...en].every(([, v]) => v.trim().length > 0)).toBe(true);
  });
});
