#!/usr/bin/env node
import { loadBundle } from './load-bundle.js';
process.exitCode = await loadBundle().main(process.argv);
