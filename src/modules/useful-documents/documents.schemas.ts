import { z } from 'zod';
import type { UploadOptions } from '../../files/upload.js';
import type { DocumentAudience } from '../../generated/prisma/enums.js';
import { f } from '../../http/validate.js';
import { AUDIENCES } from './documents.reach.js';

/**
 * The files a useful document may be: PDF, ODT or DOCX, recognised by their content (upload.ts,
 * through file-type: an ODT is a ZIP whose "mimetype" entry says so, a DOCX one whose
 * [Content_Types].xml declares a Word document; any other ZIP, or a renamed file, is refused).
 */
export const USEFUL_DOCUMENT_UPLOAD: UploadOptions = { maxBytes: 8 * 1024 * 1024, types: ['pdf', 'odt', 'docx'] };

/** The checkboxes of the audiences: absent, one value or several; at least one, each a known audience. */
const audienceList = () =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .refine((v) => v.every((a) => (AUDIENCES as readonly string[]).includes(a)), 'errors.field.choice')
    .refine((v) => v.length > 0, 'usefulDocuments.errors.audiences')
    .transform((v) => AUDIENCES.filter((a) => v.includes(a)) as DocumentAudience[]);

/** The add and edit form. Whether it is a link or a file (exactly one) is the service's check, once the upload is known. */
export const documentSchema = z.object({
  title: f.text(200),
  description: f.optionalText(1000),
  audiences: audienceList(),
  url: f.optionalUrl(),
});
export type DocumentInput = z.infer<typeof documentSchema>;

export const moveSchema = z.object({ direction: f.enumOf(['up', 'down'] as const) });
export const instructionsSchema = z.object({ mark: f.enumOf(['yes', 'no'] as const).transform((v) => v === 'yes') });
