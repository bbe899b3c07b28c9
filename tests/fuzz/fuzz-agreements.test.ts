import { fuzzFile } from './fuzz-helpers.js';

// The routes of FILES.agreements (fuzz-helpers.ts), each fuzzed as every role: see fuzz-helpers.ts.
await fuzzFile('agreements', 'agreements and their follow-up');
