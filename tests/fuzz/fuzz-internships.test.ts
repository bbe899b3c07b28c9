import { fuzzFile } from './fuzz-helpers.js';

// The routes of FILES.internships (fuzz-helpers.ts), each fuzzed as every role: see fuzz-helpers.ts.
await fuzzFile('internships', 'offers, students, requests, applications and sheets');
