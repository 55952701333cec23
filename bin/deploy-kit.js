#!/usr/bin/env node
// The deploy-kit command: the real code is the bundle built from src/cli/index.ts.
import '../dist/cli/index.js';
