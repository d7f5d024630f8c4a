#!/usr/bin/env node
// Precompiles the suite JSON Schema into a standalone validator (dist/suite/suite-validator.cjs), so the CLI
// does not compile the schema on every start (about 80 ms). src/suite/suite-schema.ts falls back to compiling
// when the file is absent (tests run from src/).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS } from '../dist/suite/suite-schema.js';

const schema = JSON.parse(readFileSync(new URL('../schemas/suite.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
const validate = ajv.compile(schema);
mkdirSync(new URL('../dist/suite/', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/suite/suite-validator.cjs', import.meta.url), standaloneCode.default(ajv, validate));
