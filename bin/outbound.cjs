#!/usr/bin/env node
// The `outbound` command (package.json "bin"): runs the TypeScript CLI through tsx.
require('tsx/cjs');
const { runCli } = require('../src/cli/main.ts');
runCli(process.argv.slice(2)).then((code) => process.exit(code));
