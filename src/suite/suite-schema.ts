import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject } from 'ajv';

const SCHEMA_URL = new URL('../../schemas/suite.schema.json', import.meta.url);

let schemaText: string | undefined;
let validator: (((value: unknown) => boolean) & { errors?: ErrorObject[] | null }) | undefined;

/** The Ajv options the schema is compiled with, at build time (scripts/build-validator.mjs) and as a fallback here. */
export const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strictTypes: false } as const;

/** The validator precompiled by the build, or undefined when running from source. */
function precompiledValidator(): typeof validator {
  try {
    return createRequire(import.meta.url)('./suite-validator.cjs') as typeof validator;
  } catch {
    return undefined;
  }
}

/** The suite JSON Schema as shipped in `schemas/suite.schema.json`: the one definition of the format. */
export function suiteSchemaText(): string {
  schemaText ??= readFileSync(SCHEMA_URL, 'utf8');
  return schemaText;
}

export interface JsonSchemaNode {
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly definitions?: Readonly<Record<string, JsonSchemaNode>>;
  readonly enum?: readonly unknown[];
}

export function suiteSchema(): JsonSchemaNode {
  return JSON.parse(suiteSchemaText()) as JsonSchemaNode;
}

function compileValidator(): NonNullable<typeof validator> {
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
  return new Ajv(AJV_OPTIONS).compile(JSON.parse(suiteSchemaText()) as object);
}

/** Validates plain data against the suite schema, returning every error. */
export function validateAgainstSchema(value: unknown): readonly ErrorObject[] {
  // compiling at run time costs ~100 ms (and loading Ajv itself ~25 ms), so only a source checkout does it
  validator ??= precompiledValidator() ?? compileValidator();
  return validator(value) ? [] : (validator.errors ?? []);
}
