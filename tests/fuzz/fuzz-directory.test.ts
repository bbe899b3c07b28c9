import { fuzzFile } from './fuzz-helpers.js';

// The routes of FILES.directory (fuzz-helpers.ts), each fuzzed as every role: see fuzz-helpers.ts.
await fuzzFile('directory', 'administration, centres, directory, documents and help desk');
