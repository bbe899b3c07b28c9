import { createRequire } from 'node:module';

// The official NAF rév. 2 list (INSEE), as published by @socialgouv/codes-naf: divisions "62",
// groups "62.0", classes "62.01" and sub-classes "62.01Z", each with its French label.
const require = createRequire(import.meta.url);
const NAF: { id: string; label: string }[] = require('@socialgouv/codes-naf');

const NAF_LABELS = new Map(NAF.map((n) => [n.id, n.label]));

/** The 21 NAF sections and the divisions each one covers (they are not in the published list). */
export const NAF_SECTIONS: { code: string; label: string; from: number; to: number }[] = [
  { code: 'A', label: 'Agriculture, sylviculture et pêche', from: 1, to: 3 },
  { code: 'B', label: 'Industries extractives', from: 5, to: 9 },
  { code: 'C', label: 'Industrie manufacturière', from: 10, to: 33 },
  { code: 'D', label: "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné", from: 35, to: 35 },
  { code: 'E', label: "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution", from: 36, to: 39 },
  { code: 'F', label: 'Construction', from: 41, to: 43 },
  { code: 'G', label: "Commerce ; réparation d'automobiles et de motocycles", from: 45, to: 47 },
  { code: 'H', label: 'Transports et entreposage', from: 49, to: 53 },
  { code: 'I', label: 'Hébergement et restauration', from: 55, to: 56 },
  { code: 'J', label: 'Information et communication', from: 58, to: 63 },
  { code: 'K', label: "Activités financières et d'assurance", from: 64, to: 66 },
  { code: 'L', label: 'Activités immobilières', from: 68, to: 68 },
  { code: 'M', label: 'Activités spécialisées, scientifiques et techniques', from: 69, to: 75 },
  { code: 'N', label: 'Activités de services administratifs et de soutien', from: 77, to: 82 },
  { code: 'O', label: 'Administration publique', from: 84, to: 84 },
  { code: 'P', label: 'Enseignement', from: 85, to: 85 },
  { code: 'Q', label: 'Santé humaine et action sociale', from: 86, to: 88 },
  { code: 'R', label: 'Arts, spectacles et activités récréatives', from: 90, to: 93 },
  { code: 'S', label: 'Autres activités de services', from: 94, to: 96 },
  { code: 'T', label: "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages en tant que producteurs de biens et services pour usage propre", from: 97, to: 98 },
  { code: 'U', label: 'Activités extra-territoriales', from: 99, to: 99 },
];

export const NAF_FORMAT = /^\d{2}\.\d{2}[A-Z]$/;

/** A sub-class code of the official list, written "NN.NNL" (e.g. "84.22Z"). */
export function isNafCode(code: string): boolean {
  return NAF_FORMAT.test(code) && NAF_LABELS.has(code);
}

export function nafLabel(code: string): string | undefined {
  return NAF_LABELS.get(code);
}

export function nafSectionOf(code: string) {
  const division = Number(code.slice(0, 2));
  return NAF_SECTIONS.find((s) => division >= s.from && division <= s.to);
}

/** Divisions ("62"), classes ("62.01") and sub-classes of the list, for the activity search. */
export function nafDivisions() {
  return NAF.filter((n) => /^\d{2}$/.test(n.id));
}
export function nafClasses() {
  return NAF.filter((n) => /^\d{2}\.\d{2}$/.test(n.id));
}
export function nafSubclasses() {
  return NAF.filter((n) => NAF_FORMAT.test(n.id));
}

/**
 * SIRET: 14 digits whose Luhn sum is a multiple of 10 — or, for La Poste's establishments
 * (SIREN 356000000, too many to number with a Luhn key), a sum of the 14 digits that is a multiple of 5.
 */
export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (luhnSum(siret) % 10 === 0) return true;
  return siret.startsWith('356000000') && [...siret].reduce((acc, d) => acc + Number(d), 0) % 5 === 0;
}

/** The 14-digit SIRET whose first 13 digits are given, with its Luhn key (demo data, tests). */
export function withSiretKey(first13: string): string {
  if (!/^\d{13}$/.test(first13)) throw new Error('13 digits expected');
  for (let d = 0; d <= 9; d++) if (luhnSum(first13 + d) % 10 === 0) return first13 + d;
  throw new Error('unreachable');
}

function luhnSum(siret: string): number {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(siret[13 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** Lower case, accents removed, punctuation and runs of spaces folded: "Société  Générale" → "societe generale". */
export function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function digitsOf(s: string | null | undefined): string {
  return (s ?? '').replace(/\D/g, '');
}

/**
 * The French département of a postal code: "63000" → "63", "20000" → "2A", "20200" → "2B",
 * "97400" → "974"; null outside France.
 */
export function departmentOf(postalCode: string | null | undefined, country: string | null | undefined): string | null {
  if ((country ?? 'FR').toUpperCase() !== 'FR' || !postalCode || !/^\d{5}$/.test(postalCode)) return null;
  if (postalCode.startsWith('97') || postalCode.startsWith('98')) return postalCode.slice(0, 3);
  if (postalCode.startsWith('20')) return Number(postalCode) < 20200 ? '2A' : '2B';
  return postalCode.slice(0, 2);
}
