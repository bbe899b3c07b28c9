import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The facts of the groundwork issue that anyone can check with grep, checked at every run.
const ROOT = path.resolve(import.meta.dirname, '../..');
function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'generated') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (ext.test(e.name)) out.push(p);
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}
const rel = (p: string) => path.relative(ROOT, p);
const src = files('src', /\.ts$/);

describe('house rules', () => {
  it('no source file imports app.ts but server.ts', () => {
    const offenders = src.filter((f) => rel(f) !== 'src/server.ts' && /from '(\.\.?\/)+app\.js'/.test(readFileSync(f, 'utf8')));
    expect(offenders.map(rel)).toEqual([]);
  });

  it('"now" comes from the clock only', () => {
    const offenders = src.filter((f) => rel(f) !== 'src/time/clock.ts' && /new Date\(\)|Date\.now\(\)/.test(readFileSync(f, 'utf8')));
    expect(offenders.map(rel)).toEqual([]);
  });

  it('no source file or view is over 400 lines', () => {
    const long = [...src, ...files('views', /\.ejs$/)].map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });

  it('no route handler is over 25 lines', () => {
    // A handler is a function of the request in a routes file: from its `(req…) => {` line to the `}` that closes it.
    const long: string[] = [];
    for (const f of src.filter((p) => /routes\.ts$/.test(p))) {
      const lines = readFileSync(f, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/\(req\b.*=>\s*\{\s*$/.test(line)) return;
        const indent = /^\s*/.exec(line)![0];
        const end = lines.findIndex((l, j) => j > i && l.startsWith(`${indent}}`));
        if (end > 0 && end - i + 1 > 25) long.push(`${rel(f)}:${i + 1} (${end - i + 1} lines)`);
      });
    }
    expect(long).toEqual([]);
  });
});
