import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/model/metrics.js';
import { TEST_NAMES } from '../../src/model/test-types.js';
import { PARAM_ORDER } from '../../src/model/suite-types.js';

type Node = Record<string, unknown>;
const schema = JSON.parse(readFileSync(new URL('../../schemas/suite.schema.json', import.meta.url), 'utf8')) as Node;

/** Every object schema below `node`, with its path. */
function* objectSchemas(node: unknown, path: string): Generator<[string, Node]> {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* objectSchemas(item, `${path}/${i}`);
    return;
  }
  const schemaNode = node as Node;
  if (schemaNode['properties'] !== undefined) yield [path, schemaNode];
  for (const [key, value] of Object.entries(schemaNode)) yield* objectSchemas(value, `${path}/${key}`);
}

describe('suite JSON Schema', () => {
  it('is a valid draft-07 schema', () => {
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ allowUnionTypes: true, strictTypes: false });
    expect(ajv.validateSchema(schema)).toBe(true);
  });

  it('describes every property and closes every object with additionalProperties: false', () => {
    const undescribed: string[] = [];
    const open: string[] = [];
    for (const [path, node] of objectSchemas(schema, '#')) {
      if (path.endsWith('/if')) continue; // if-clauses select a server type; they define nothing
      for (const [key, property] of Object.entries(node['properties'] as Record<string, Node>)) {
        if (typeof property['description'] !== 'string' && typeof property['$ref'] !== 'string') undescribed.push(`${path}/properties/${key}`);
      }
      const closed = node['additionalProperties'] === false || path.includes('/server/properties') || path === '#/definitions/server';
      if (!closed) open.push(path);
    }
    expect(undescribed).toEqual([]);
    expect(open).toEqual([]);
  });

  it('names exactly the parameters, metrics and test types of the code', () => {
    const definitions = schema['definitions'] as Record<string, Node>;
    expect(Object.keys(definitions['params']?.['properties'] as Node)).toEqual([...PARAM_ORDER]);
    expect((definitions['testName'] as { enum: string[] }).enum).toEqual([...TEST_NAMES]);
    const regression = (definitions['group']?.['properties'] as Record<string, Node>)['regression']?.['properties'] as Node;
    expect(Object.keys(regression)).toEqual(METRIC_NAMES);
    const accept = (definitions['group']?.['properties'] as Record<string, Node>)['accept']?.['items'] as Node;
    expect(((accept['properties'] as Record<string, Node>)['metric'] as { enum: string[] }).enum).toEqual(METRIC_NAMES);
  });

  it('lets defaults hold every parameter and server, nothing else', () => {
    const defaults = (schema['properties'] as Record<string, Node>)['defaults'] as Node;
    expect(Object.keys(defaults['properties'] as Node)).toEqual(['server', ...PARAM_ORDER]);
    expect(defaults['additionalProperties']).toBe(false);
  });
});
