import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';

const SCHEMA_URL = new URL('../../schemas/suite.schema.json', import.meta.url);

let schemaText: string | undefined;
let validator: ReturnType<Ajv['compile']> | undefined;

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

/** Validates plain data against the suite schema, returning every error. */
export function validateAgainstSchema(value: unknown): readonly ErrorObject[] {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strictTypes: false });
    validator = ajv.compile(JSON.parse(suiteSchemaText()) as object);
  }
  return validator(value) ? [] : (validator.errors ?? []);
}
