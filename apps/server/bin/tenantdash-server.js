#!/usr/bin/env node
// The `tenantdash-server` command (src/bin.ts, built to dist/bin.js). A file of its own that exists before any
// build, so a fresh workspace install can link the command instead of warning, for each package that
// depends on the server, that dist/bin.js is missing.
import '../dist/bin.js';
