// The layers of src/, written once: the lint rule below enforces them, docs/architecture.md's picture shows them.
import path from 'node:path';

/** Top to bottom. A folder imports only folders on lower lines; folders on one line never import each other. */
export const LAYERS = [
  ['cli'],
  ['exec', 'report'],
  ['run'],
  ['compare', 'history', 'results'],
  ['plan'],
  ['suite'],
  ['servers'],
  ['thresholds', 'matrix', 'netperf'],
  ['stats'],
  ['model'],
];

const LAYER_OF = new Map(LAYERS.flatMap((line, index) => line.map((folder) => [folder, index])));
const PICTURE = LAYERS.map((line) => line.join('|')).join(' → ');

/** The folder of src/ a file lives in: '' for src/ itself, undefined outside src/. */
function folderOf(file, srcDir) {
  const relative = path.relative(srcDir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const parts = relative.split(path.sep);
  return parts.length === 1 ? '' : parts[0];
}

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports inside src/ point only down the layers of docs/architecture.md' },
    schema: [{ type: 'object', properties: { src: { type: 'string' } }, additionalProperties: false }],
    messages: {
      up: '{{from}}/ may not import {{to}}/ ({{spec}}): {{to}}/ is a layer above it. Imports point only down: {{picture}}. Move the shared piece down (types to model/, statistics to stats/).',
      sideways:
        '{{from}}/ may not import {{to}}/ ({{spec}}): folders on one line never import each other. Imports point only down: {{picture}}. Move the shared piece down (types to model/, statistics to stats/).',
      unknown: '{{folder}} is not a layer ({{spec}}); put the file into a folder of the layers in lint/layers.js ({{picture}}).',
    },
  },
  create(context) {
    // src/ beside this file's folder, wherever eslint runs from; tests pass another root
    const srcDir = context.options[0]?.src ?? path.resolve(import.meta.dirname, '../src');
    const file = context.filename;
    const from = folderOf(file, srcDir);
    if (from === undefined) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = folderOf(path.resolve(path.dirname(file), spec), srcDir);
      if (to === undefined || to === from) return;
      const data = { from: `src/${from}`.replace(/\/$/, ''), to: `src/${to}`.replace(/\/$/, ''), spec, picture: PICTURE };
      if (!LAYER_OF.has(from))
        return context.report({ node, messageId: 'unknown', data: { ...data, folder: from === '' ? 'the root of src/' : `src/${from}/` } });
      if (!LAYER_OF.has(to)) return context.report({ node, messageId: 'unknown', data: { ...data, folder: to === '' ? 'the root of src/' : `src/${to}/` } });
      const fromLayer = LAYER_OF.get(from);
      const toLayer = LAYER_OF.get(to);
      if (toLayer < fromLayer) context.report({ node, messageId: 'up', data });
      else if (toLayer === fromLayer) context.report({ node, messageId: 'sideways', data });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export const layersPlugin = { meta: { name: 'perfsuite-layers' }, rules: { layers: layersRule } };
