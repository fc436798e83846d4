#!/usr/bin/env node
// Thin launcher so the npm bin link exists before the first build; the CLI lives in dist/.
require('../dist/cli.js');
