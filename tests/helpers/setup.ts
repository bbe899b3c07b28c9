// Runs in each worker before its test files: nothing global here, helpers are imported explicitly.
process.env.NODE_ENV = 'test';
