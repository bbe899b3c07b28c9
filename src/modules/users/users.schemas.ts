import { z } from 'zod';

/** The user list's criteria (query string `q`): a name or an address, lenient. */
export const userSearchSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
});
export type UserSearchInput = z.infer<typeof userSearchSchema>;
export const USER_SEARCH_KEYS = ['q'] as const;
