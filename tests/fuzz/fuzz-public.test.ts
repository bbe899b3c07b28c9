import { fuzzFile } from './fuzz-helpers.js';

// The routes of FILES.public (fuzz-helpers.ts), each fuzzed as every role: see fuzz-helpers.ts.
await fuzzFile('public', 'public pages, sign-in, registration and account');
