// the CLI runs from one bundle (scripts/bundle.mjs) holding this CommonJS package: Node never scans its ~80 files
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Diagnostic, SourceLocation } from '../model/diagnostics.js';

/** Where a value (and, for mapping entries, its key) stands in the file. */
export interface NodePosition {
  readonly value: SourceLocation;
  readonly key?: SourceLocation;
}

/** A YAML document as plain data, with the position of every key and value by JSON pointer. */
export interface ParsedYaml {
  readonly value: unknown;
  readonly positions: ReadonlyMap<string, NodePosition>;
  readonly diagnostics: readonly Diagnostic[];
  /** Pointers of values whose `${NAME}` could not be filled (already reported; not to be checked further). */
  readonly unresolved: ReadonlySet<string>;
  /** Every `${NAME}` filled in, with the value it got (`--var`, the environment, or its default): the run's provenance. */
  readonly variables: ReadonlyMap<string, string>;
}

export interface ParseYamlOptions {
  readonly file: string;
  /** Looks up `${NAME}`: `--var` first, then the environment. */
  readonly lookupVariable: (name: string) => string | undefined;
  /** Most values (counting what aliases expand to) a file may hold; stops alias bombs. */
  readonly maxValues?: number;
}

const DEFAULT_MAX_VALUES = 200_000;
const VARIABLE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;

class TooLarge extends Error {
  constructor(readonly loc: SourceLocation) {
    super('too large');
  }
}

export function escapePointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Parses YAML keeping positions; `${NAME}` is filled in scalar values only, so line numbers stay true. */
export function parseYaml(text: string, options: ParseYamlOptions): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const positions = new Map<string, NodePosition>();
  const unresolved = new Set<string>();
  const variables = new Map<string, string>();
  const locate = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: options.file, line, col };
  };
  // the first syntax error is the one to fix; the parser's recovery turns it into a flood of follow-ons
  const [firstError, ...followOns] = doc.errors;
  if (firstError !== undefined) {
    const loc = locate(firstError.pos[0]);
    const line = text.split('\n')[loc.line - 1] ?? '';
    const more =
      followOns.length === 0
        ? ''
        : ` (${followOns.length === 1 ? '1 more YAML error after it is' : `${followOns.length} more YAML errors after it are`} probably caused by it; fix this one first)`;
    diagnostics.push({ loc, message: `YAML syntax: ${firstLine(firstError.message)}${syntaxHint(line)}${more}` });
  }
  if (diagnostics.length > 0) return { value: undefined, positions, diagnostics, unresolved, variables };

  const maxValues = options.maxValues ?? DEFAULT_MAX_VALUES;
  let valueCount = 0;

  const interpolate = (node: Scalar, raw: string, loc: SourceLocation, pointer: string): unknown => {
    let replaced = false;
    const result = raw.replace(VARIABLE, (whole, name: string | undefined, fallback: string | undefined) => {
      if (whole === '$${') return '${';
      if (name === undefined) {
        unresolved.add(pointer);
        diagnostics.push({
          loc,
          message: `malformed variable '${whole}'; write \${NAME} or \${NAME:-default} (NAME of letters, digits and _), or $\${ for a literal \${`,
        });
        return whole;
      }
      // a setup/teardown command gets the server's PERFSUITE_* values when it runs, not when the suite is read
      if (name.startsWith('PERFSUITE_') && /^\/servers\/[^/]+\/(setup|teardown)\//.test(pointer)) return whole;
      replaced = true;
      const value = options.lookupVariable(name);
      if (value !== undefined && value !== '') {
        variables.set(name, value);
        return value;
      }
      if (fallback !== undefined) {
        variables.set(name, fallback);
        return fallback;
      }
      unresolved.add(pointer);
      diagnostics.push({
        loc,
        message: `variable \${${name}} is not set; pass --var ${name}=VALUE, set it in the environment, or give a default with \${${name}:-VALUE}`,
      });
      return whole;
    });
    if (!replaced && result === raw) return raw;
    return node.type === Scalar.PLAIN ? retypePlainScalar(result) : result;
  };

  const walk = (node: unknown, pointer: string, position: NodePosition | undefined, depth: number): unknown => {
    valueCount++;
    const loc = nodeLocation(node) ?? position?.value ?? locate(0);
    if (valueCount > maxValues || depth > 64) throw new TooLarge(loc);
    positions.set(pointer, position ? { ...position, value: loc } : { value: loc });
    if (isAlias(node)) {
      const target = node.resolve(doc);
      return target === undefined ? null : walk(target, pointer, { ...position, value: loc }, depth + 1);
    }
    if (isScalar(node)) {
      return typeof node.value === 'string' ? interpolate(node, node.value, loc, pointer) : node.value;
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => walk(item, `${pointer}/${index}`, undefined, depth + 1));
    }
    if (isMap(node)) {
      const result: Record<string, unknown> = {};
      const keyLines = new Map<string, number>();
      for (const pair of node.items) {
        const keyLoc = nodeLocation(pair.key) ?? loc;
        if (!isScalar(pair.key) || (pair.key.value !== null && typeof pair.key.value === 'object')) {
          diagnostics.push({ loc: keyLoc, message: 'a key must be a plain name, not a list or mapping' });
          continue;
        }
        const key = String(pair.key.value);
        if (key === '<<' && pair.key.type === Scalar.PLAIN) {
          mergeInto(result, walk(pair.value, pointer, position, depth + 1), keyLoc);
          continue;
        }
        const firstLine = keyLines.get(key);
        if (firstLine !== undefined) {
          diagnostics.push({ loc: keyLoc, message: `duplicate key '${key}' (first defined on line ${firstLine}); remove one of them` });
          continue;
        }
        keyLines.set(key, keyLoc.line);
        const childPointer = `${pointer}/${escapePointerSegment(key)}`;
        const value = walk(pair.value ?? null, childPointer, { key: keyLoc, value: keyLoc }, depth + 1);
        // defineProperty, so a `__proto__` key is an ordinary (and later rejected) key, never a prototype
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    return null;
  };

  const mergeInto = (target: Record<string, unknown>, source: unknown, loc: SourceLocation): void => {
    const sources = Array.isArray(source) ? source : [source];
    for (const item of sources) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        diagnostics.push({ loc, message: "a merge key '<<' needs a mapping or a list of mappings (usually an alias like *defaults)" });
        continue;
      }
      for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
        if (!Object.hasOwn(target, key)) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      }
    }
  };

  function nodeLocation(node: unknown): SourceLocation | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? locate(range[0]) : undefined;
  }

  try {
    const value = walk(doc.contents, '', undefined, 0);
    return { value, positions, diagnostics, unresolved, variables };
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error;
    const message = `the document expands to more than ${maxValues.toLocaleString('en-US')} values or nests deeper than 64 levels (an alias bomb?); write the suite without deep aliases, and use a matrix to generate cases`;
    return { value: undefined, positions, diagnostics: [...diagnostics, { loc: error.loc, message }], unresolved, variables };
  }
}

/** What a plain YAML 1.2 scalar with this text would have been, so `repeat: ${N:-3}` stays a number. */
function retypePlainScalar(text: string): unknown {
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^(null|Null|NULL|~)?$/.test(text)) return null;
  return text;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** What to do about a YAML syntax error, from the line it is on: almost always a value that needed quotes. */
export function syntaxHint(line: string): string {
  const value = line.replace(/^\s*(-\s+)?[^:#]*:\s*/, '');
  if (/^[<>]/.test(value)) return `; quote the value, like throughput: ">= 1 Gbit/s" (an unquoted > or < means something else in YAML)`;
  if (/\$\{[^}]*:-/.test(line) && line.includes('{ ')) return '; quote a ${NAME:-default} inside { }, like rate: "${LINK_RATE:-200mbit}"';
  return '; check the brackets and indentation, and quote values that contain {, }, [, ], : or #, or start with >, <, |, &, *, ! or %';
}
