#!/usr/bin/env node
// Thin launcher so the npm bin link exists before the first build; the CLI lives in dist/.
'use strict';
// Keep V8's young generation at its initial 1 MB semi-space. Left to grow (to 16 MB per semi-space
// on a 64-bit host) it was the agent's largest elastic cost: +10-15 MB of RSS after a minute with 100
// probes while its live heap is ~9 MB (BENCHMARKS.md, agent RSS). --max-semi-space-size=1 does the
// same but is read only when the heap is created, so it must be on node's command line (the systemd
// unit passes it); the growth factor is read each time the young generation grows, so setting it here
// covers every other way of starting the agent.
require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
require('../dist/cli.js');
