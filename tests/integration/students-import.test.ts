import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { fieldError, mailsTo, makeStudentWorld, minimalPdf, type StudentWorld } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const HEADER = 'numero_etudiant;nom;prenom;email;code_filiere;code_annee';
const csv = (...lines: string[]) => Buffer.from([HEADER, ...lines].join('\n') + '\n', 'utf8');

const decode = (s: string) => s.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The preview's rows: line → { outcome, detail text }. */
function previewRows(html: string) {
  const out = new Map<number, { outcome: string; detail: string }>();
  for (const m of html.matchAll(/<tr class="import-(\w+)">\s*<th scope="row">(\d+)<\/th>([\s\S]*?)<\/tr>/g)) {
    const cells = [...m[3].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]);
    const detail = decode(cells[cells.length - 1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    out.set(Number(m[2]), { outcome: m[1].toUpperCase(), detail });
  }
  return out;
}

describe('CSV import of students', () => {
  const t = useApp();
  let w: StudentWorld;
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    w = await makeStudentWorld(t.db);
    s = await agent(t.app, 'a.write@test.example');
  });

  const upload = (file: Buffer, name = 'etudiants.csv', institutionId: number = w.uda.id) =>
    s.a.post('/students/import').field('_csrf', s.csrf).field('institutionId', String(institutionId)).attach('file', file, { filename: name, contentType: 'text/csv' });
  const preview = () => s.a.get('/students/import/preview');
  const shaOf = (html: string) => html.match(/name="sha256" value="([0-9a-f]{64})"/)?.[1];
  const nothingWritten = async () => {
    expect(await t.db.studentProfile.count()).toBe(2);
    expect(await t.db.user.count({ where: { email: { endsWith: '@new.test' } } })).toBe(0);
    expect(await t.db.outboxEmail.count()).toBe(0);
    expect(await t.db.auditLog.count({ where: { action: { startsWith: 'student.' } } })).toBe(0);
    const lea = await t.db.studentProfile.findUniqueOrThrow({ where: { id: w.lea.profile.id }, include: { user: true } });
    expect(lea).toMatchObject({ studyYearId: w.l3.id, user: { email: 'lea.dubois@etu.test', lastName: 'Dubois' } });
  };

  it('explains the format, names the French headers and offers an example file that imports as is', async () => {
    const page = await s.a.get('/students/import');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<code>${HEADER}</code>`);
    expect(page.text).toContain('UTF-8');
    expect(page.text).toContain('enctype="multipart/form-data"');
    expect(page.text).toContain(`<option value="${w.uda.id}" selected>Université A</option>`);
    expect(page.text).not.toContain('Université B');
    const example = await s.a.get('/students/import/example.csv').buffer(true);
    expect(example.status).toBe(200);
    expect(example.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(example.headers['content-disposition']).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
    const body = Buffer.from(example.text ?? (example.body as Buffer));
    expect(body.toString('utf8').replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(HEADER);
    expect((await upload(body, 'exemple.csv')).status).toBe(303);
    const rows = previewRows((await preview()).text);
    expect([...rows.values()].map((r) => r.outcome)).toEqual(['CREATE', 'CREATE']);
  });

  it('previews created, updated and unchanged rows without writing anything, then confirmation writes every row and mails', async () => {
    await t.db.studentProfile.create({
      data: { userId: (await t.db.user.create({ data: { email: 'same@etu.test', firstName: 'Inès', lastName: 'Roy' } })).id, studentNumber: '21900999', institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id },
    });
    const file = csv(
      '21901234;Martin;Chloé;Chloe.Martin@new.test;INFO;L2',
      '21900123;Dubois;Léa;lea.d@new.test;INFO;L2',
      '21905555;Petit;Noé;noe.petit@new.test;info;l3',
      '21900999;Roy;Inès;same@etu.test;INFO;L3',
    );
    const res = await upload(file);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/students/import/preview');
    const page = await preview();
    expect(page.status).toBe(200);
    const rows = previewRows(page.text);
    expect(rows.get(2)).toEqual({ outcome: 'CREATE', detail: 'Nouvel étudiant en L2 Informatique' });
    expect(rows.get(3)!.outcome).toBe('UPDATE');
    expect(rows.get(3)!.detail).toContain('Adresse électronique : « lea.dubois@etu.test » → « lea.d@new.test »');
    expect(rows.get(3)!.detail).toContain('Année de formation : « L3 Informatique » → « L2 Informatique »');
    expect(rows.get(3)!.detail).not.toContain('Nom');
    expect(rows.get(4)!.outcome).toBe('CREATE');
    expect(rows.get(5)!.outcome).toBe('UNCHANGED');
    expect(page.text).toContain('Étudiants à créer : 2');
    expect(page.text).toContain('Confirmer l&#39;import (3 étudiants)');
    expect(page.text).toContain('<caption>Lignes du fichier (4)</caption>');
    // Nothing written by the preview (the extra student above aside).
    expect(await t.db.studentProfile.count()).toBe(3);
    expect(await t.db.outboxEmail.count()).toBe(0);
    expect(await t.db.storedFile.count()).toBe(0);

    const done = await s.a.post('/students/import/confirm').type('form').send({ _csrf: s.csrf, sha256: shaOf(page.text) });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/students');
    const chloe = await t.db.user.findUniqueOrThrow({ where: { email: 'chloe.martin@new.test' }, include: { studentProfile: true } });
    expect(chloe).toMatchObject({ passwordHash: null, firstName: 'Chloé', lastName: 'Martin' });
    expect(chloe.studentProfile).toMatchObject({ studentNumber: '21901234', institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id });
    expect((await t.db.studentProfile.findFirstOrThrow({ where: { studentNumber: '21905555' } })).studyYearId).toBe(w.l3.id);
    const lea = await t.db.studentProfile.findUniqueOrThrow({ where: { id: w.lea.profile.id }, include: { user: true } });
    expect(lea).toMatchObject({ studyYearId: w.l2.id, user: { email: 'lea.d@new.test' } });
    // Invitations for the new accounts only.
    expect((await mailsTo(t.db, 'chloe.martin@new.test'))[0].text).toMatch(/http:\/\/stages\.test\/password\/reset\/[\w-]+/);
    expect(await mailsTo(t.db, 'noe.petit@new.test')).toHaveLength(1);
    expect(await t.db.outboxEmail.count()).toBe(2);
    expect(await auditRows(t.db, 'student.create')).toHaveLength(2);
    expect(await auditRows(t.db, 'student.update')).toHaveLength(1);
    const [summary] = await auditRows(t.db, 'student.import');
    expect(summary).toMatchObject({ actorId: w.write.id, entityType: 'Institution', entityId: String(w.uda.id) });
    expect(summary.after).toMatchObject({ fileName: 'etudiants.csv', rows: 4, CREATE: 2, UPDATE: 1, UNCHANGED: 1, REFUSED: 0 });
    const list = await s.a.get('/students');
    expect(list.text).toContain('Import terminé : 2 étudiant(s) créé(s), 1 mis à jour, 1 sans changement.');
    // The pending import is gone.
    expect((await preview()).headers.location).toBe('/students/import');
  });

  it('lists every refused row with its reasons; such a file cannot be confirmed and writes nothing', async () => {
    const file = csv(
      '21901234;Martin;Chloé;chloe.martin@new.test;INFO;L2',
      '21900123;Dubois;Léa;lea.dubois@etu.test;INFO;L3',
      '21907777;Durand;Paul;paul@new.test;MATHS;L1',
      '21907778;Durand;Anne;anne@new.test;INFO;M2',
      '21907779;Roux;Marc;marc@new.test;DROIT;L3',
      '21907780;Faure;Lise;pas-une-adresse;INFO;L3',
      '21907781;Blanc;Jules;a.read@test.example;INFO;L3',
      '21907782;Vidal;Emma;emma@new.test;INFO;L3',
      '21907782;Vidal;Emma;emma.v@new.test;INFO;L3',
      '21907783;Moreau;Tom;tom@new.test;INFO;L3',
      '21907784;Moreau;Tim;TOM@new.test;INFO;L3',
      ';Sans;;sans@new.test;INFO;L3',
      '21900456;Bernard;Hugo;hugo.bernard@etu.test;INFO;L3',
      '',
      '21907785;Court;Ana;ana@new.test;INFO',
    );
    expect((await upload(file)).status).toBe(303);
    const page = await preview();
    expect(page.status).toBe(200);
    const rows = previewRows(page.text);
    expect(rows.get(2)!.outcome).toBe('CREATE');
    expect(rows.get(3)!.outcome).toBe('UNCHANGED');
    const refused = (line: number) => {
      expect(rows.get(line)!.outcome, `line ${line}`).toBe('REFUSED');
      return rows.get(line)!.detail;
    };
    expect(refused(4)).toBe("Code filière inconnu dans l'établissement : MATHS");
    expect(refused(5)).toBe('Code année inconnu dans la filière INFO : M2');
    expect(refused(6)).toBe("L'année L3 Droit dépend d'un centre où vous n'avez pas le droit d'écriture");
    expect(refused(7)).toBe('Adresse électronique invalide');
    expect(refused(8)).toBe('Adresse déjà utilisée par un autre compte');
    expect(refused(9)).toBe('Numéro en double dans le fichier (lignes 9, 10)');
    expect(refused(10)).toBe('Numéro en double dans le fichier (lignes 9, 10)');
    expect(refused(11)).toBe('Adresse en double dans le fichier (lignes 11, 12)');
    expect(refused(12)).toBe('Adresse en double dans le fichier (lignes 11, 12)');
    expect(refused(13)).toBe('Champ(s) manquant(s) : numero_etudiant, prenom');
    // Hugo belongs to centre B: the actor may not touch him, whatever the year asked.
    expect(refused(14)).toBe("Cet étudiant existe dans une année d'un centre où vous n'avez pas le droit d'écriture");
    // The blank line is skipped; the line numbers are the file's.
    expect(rows.has(15)).toBe(false);
    expect(refused(16)).toBe('Champ(s) manquant(s) : code_annee');
    expect(page.text).toContain('Lignes refusées : 12');
    expect(page.text).toContain('corrigez le fichier');
    expect(page.text).not.toContain('action="/students/import/confirm"');

    // Forcing the confirmation anyway (the pending file's hash is that of the bytes sent): 422, nothing written.
    const forced = await s.a.post('/students/import/confirm').type('form').send({ _csrf: s.csrf, sha256: createHash('sha256').update(file).digest('hex') });
    expect(forced.status).toBe(422);
    expect(forced.text).toContain('des lignes sont refusées');
    expect(previewRows(forced.text).get(4)!.outcome).toBe('REFUSED');
    await nothingWritten();
  });

  it('re-validates at confirmation: a change made since the preview refuses the import and writes nothing', async () => {
    const file = csv('21901234;Martin;Chloé;chloe.martin@new.test;INFO;L2', '21905555;Petit;Noé;noe.petit@new.test;INFO;L3');
    await upload(file);
    const page = await preview();
    expect(previewRows(page.text).get(3)!.outcome).toBe('CREATE');
    // Meanwhile, someone registers with Noé's address.
    await t.db.user.create({ data: { email: 'noe.petit@new.test', firstName: 'Noé', lastName: 'Petit' } });
    const res = await s.a.post('/students/import/confirm').type('form').send({ _csrf: s.csrf, sha256: shaOf(page.text) });
    expect(res.status).toBe(422);
    expect(res.text).toContain("L&#39;import n&#39;a pas été enregistré");
    expect(previewRows(res.text).get(3)).toEqual({ outcome: 'REFUSED', detail: 'Adresse déjà utilisée par un autre compte' });
    expect(await t.db.user.count({ where: { email: 'chloe.martin@new.test' } })).toBe(0);
    expect(await t.db.studentProfile.count()).toBe(2);
    expect(await t.db.outboxEmail.count()).toBe(0);
    expect(await auditRows(t.db, 'student.import')).toHaveLength(0);
  });

  it('confirms only the file that was previewed', async () => {
    await upload(csv('21901234;Martin;Chloé;chloe.martin@new.test;INFO;L2'));
    const first = shaOf((await preview()).text)!;
    await upload(csv('21905555;Petit;Noé;noe.petit@new.test;INFO;L3'));
    const stale = await s.a.post('/students/import/confirm').type('form').send({ _csrf: s.csrf, sha256: first });
    expect(stale.status).toBe(303);
    expect(stale.headers.location).toBe('/students/import/preview');
    expect((await preview()).text).toContain("Cet aperçu n&#39;est plus valable");
    await nothingWritten();
    // Cancelling forgets the pending import.
    expect((await s.a.post('/students/import/cancel').type('form').send({ _csrf: s.csrf })).headers.location).toBe('/students/import');
    expect((await preview()).headers.location).toBe('/students/import');
    const none = await s.a.post('/students/import/confirm').type('form').send({ _csrf: s.csrf, sha256: first });
    expect(none.headers.location).toBe('/students/import');
    await nothingWritten();
  });

  it('detects a comma separator and reads quotes, English headers, a byte-order mark and CRLF line ends', async () => {
    const text = '\uFEFFlast_name,first_name,student_number,email,programme_code,study_year_code\r\n"N\'Diaye, dite ""Mimi""",Aminata,21908888,aminata@new.test,INFO,L3\r\n';
    expect((await upload(Buffer.from(text, 'utf8'))).status).toBe(303);
    const page = await preview();
    expect(previewRows(page.text).get(2)!.outcome).toBe('CREATE');
    expect(decode(page.text)).toContain('N\'Diaye, dite "Mimi"');
    await s.a.post('/students/import/confirm').type('form').send({ _csrf: s.csrf, sha256: shaOf(page.text) });
    expect((await t.db.user.findUniqueOrThrow({ where: { email: 'aminata@new.test' } })).lastName).toBe('N\'Diaye, dite "Mimi"');
  });

  it('refuses files that are not UTF-8 CSV text, or whose header is incomplete (422)', async () => {
    const pdf = await upload(minimalPdf(), 'etudiants.csv');
    expect(pdf.status).toBe(422);
    expect(fieldError(pdf.text, 'file')).toBe('Le fichier doit être de type CSV.');
    const nul = await upload(Buffer.concat([csv('1;a;b;c@new.test;INFO;L3'), Buffer.from([0])]));
    expect(nul.status).toBe(422);
    const latin1 = await upload(Buffer.from(`${HEADER}\n21901234;Martin;Chloé;chloe@new.test;INFO;L2\n`, 'latin1'));
    expect(latin1.status).toBe(422);
    expect(fieldError(latin1.text, 'file')).toContain("n'est pas encodé en UTF-8");
    const header = await upload(Buffer.from('numero_etudiant;nom;email\n1;a;b@new.test\n'));
    expect(header.status).toBe(422);
    expect(fieldError(header.text, 'file')).toBe("Colonnes manquantes dans la ligne d'en-tête : prenom, code_filiere, code_annee.");
    const onlyHeader = await upload(Buffer.from(`${HEADER}\n`));
    expect(fieldError(onlyHeader.text, 'file')).toBe("Le fichier ne contient que la ligne d'en-tête.");
    const many = await upload(csv(...Array.from({ length: 5001 }, (_, i) => `${i};N;P;p${i}@new.test;INFO;L3`)));
    expect(many.status).toBe(422);
    expect(fieldError(many.text, 'file')).toContain('5000 lignes');
    const big = await upload(Buffer.concat([csv(), Buffer.alloc(2 * 1024 * 1024, 'a')]));
    expect(big.status).toBe(422);
    expect(fieldError(big.text, 'file')).toBe('Le fichier est trop volumineux.');
    const none = await s.a.post('/students/import').field('_csrf', s.csrf).field('institutionId', String(w.uda.id));
    expect(none.status).toBe(422);
    expect(fieldError(none.text, 'file')).toBe('Choisissez un fichier.');
    // An institution where the actor has no WRITE centre.
    const other = await upload(csv('21901234;Martin;Chloé;chloe@new.test;INFO;L3'), 'x.csv', w.udb.id);
    expect(other.status).toBe(422);
    expect(fieldError(other.text, 'institutionId')).toBe('Choisissez une valeur dans la liste.');
    expect((await preview()).headers.location).toBe('/students/import');
    await nothingWritten();
  });

  it('refuses an upload without a valid CSRF token (403) and keeps nothing', async () => {
    const file = csv('21901234;Martin;Chloé;chloe.martin@new.test;INFO;L2');
    const missing = await s.a.post('/students/import').field('institutionId', String(w.uda.id)).attach('file', file, 'e.csv');
    expect(missing.status).toBe(403);
    const wrong = await s.a.post('/students/import').field('_csrf', 'x'.repeat(64)).field('institutionId', String(w.uda.id)).attach('file', file, 'e.csv');
    expect(wrong.status).toBe(403);
    expect((await preview()).headers.location).toBe('/students/import');
    // The confirmation is a plain form: its token is checked too.
    await upload(file);
    const sha = shaOf((await preview()).text);
    expect((await s.a.post('/students/import/confirm').type('form').send({ sha256: sha })).status).toBe(403);
    await nothingWritten();
  });

  it('lets the platform admin import into any institution; READ staff are refused (403)', async () => {
    const admin = await agent(t.app, 'platform.admin@test.example');
    const res = await admin.a.post('/students/import').field('_csrf', admin.csrf).field('institutionId', String(w.udb.id)).attach('file', csv('21900123;Autre;Personne;autre@new.test;INFO;L3'), 'e.csv');
    expect(res.status).toBe(303);
    const page = await admin.a.get('/students/import/preview');
    expect(previewRows(page.text).get(2)).toEqual({ outcome: 'CREATE', detail: 'Nouvel étudiant en L3 Informatique B' });
    const read = await agent(t.app, 'a.read@test.example');
    expect((await read.a.get('/students/import/preview')).status).toBe(403);
    expect((await read.a.post('/students/import/confirm').type('form').send({ _csrf: read.csrf })).status).toBe(403);
    expect((await read.a.get('/students/import/example.csv')).status).toBe(403);
  });
});
