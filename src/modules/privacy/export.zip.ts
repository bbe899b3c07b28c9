// The download of one's data: data.json and the person's files under files/, as a ZIP written to the
// response as it is built. Files are read from the database a few at a time, when the archive
// reaches them, so that a large one is never held with all the others.
import { Readable } from 'node:stream';
import JSZip from 'jszip';
import type { Db } from '../../db/client.js';

const CHUNK = 10;

/** A name safe in any archive tool: the file's id keeps two files of the same name apart. */
export function archiveName(file: { id: number; originalName: string; extension: string }): string {
  const stem = file.originalName.replace(/\.[^.]*$/, '').normalize('NFKD').replace(/[^\w.-]+/g, '_').slice(0, 80) || 'fichier';
  return `files/${file.id}-${stem}.${file.extension.replace(/[^\w]/g, '')}`;
}

function json(data: unknown): string {
  return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/**
 * The archive as a stream. `fileIds` are read in chunks of CHUNK, each chunk once, when the
 * archive's first file of that chunk is written, and dropped once its files are out.
 */
export async function exportArchive(db: Db, data: unknown, fileIds: number[]): Promise<NodeJS.ReadableStream> {
  const zip = new JSZip();
  const metas = await db.storedFile.findMany({ where: { id: { in: fileIds } }, orderBy: { id: 'asc' }, select: { id: true, originalName: true, extension: true, mimeType: true, size: true, createdAt: true } });
  const files = metas.map((m) => ({ ...m, path: archiveName(m) }));
  zip.file('data.json', json({ ...(data as Record<string, unknown>), files }));
  const chunks = new Map<number, Promise<Map<number, Uint8Array>>>();
  const load = (index: number) => {
    const c = Math.floor(index / CHUNK);
    let p = chunks.get(c);
    if (!p) {
      const ids = files.slice(c * CHUNK, (c + 1) * CHUNK).map((f) => f.id);
      p = db.storedFile.findMany({ where: { id: { in: ids } }, select: { id: true, data: true } }).then((rows) => new Map(rows.map((r) => [r.id, r.data])));
      chunks.set(c, p);
    }
    return p;
  };
  files.forEach((f, i) => {
    let started = false;
    const lazy = new Readable({
      read() {
        if (started) return;
        started = true;
        load(i).then(
          (chunk) => {
            const bytes = chunk.get(f.id);
            chunk.delete(f.id);
            if ((i + 1) % CHUNK === 0 || i === files.length - 1) chunks.delete(Math.floor(i / CHUNK));
            if (bytes) this.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
            this.push(null);
          },
          (err: Error) => this.destroy(err),
        );
      },
    });
    zip.file(f.path, lazy, { binary: true });
  });
  return zip.generateNodeStream({ type: 'nodebuffer', streamFiles: true, compression: 'DEFLATE' });
}
