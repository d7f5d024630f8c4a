/**
 * GitHub Actions `strategy.matrix` semantics, exactly:
 * 1. the product of all axes, first axis outermost;
 * 2. `exclude`: an entry removes every combination that matches all of its keys (which must be axes);
 * 3. `include`: an entry's axis keys are a filter, its other keys extras; every product combination matching the
 *    filter gets the extras in include order (later wins; axis values are never overwritten);
 * 4. an include entry that matched no product combination is appended as a combination of its own.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstrategymatrix
 *
 * Values are opaque; `keyOf` gives the string two values are equal by (after normalisation, so 64K == 65536).
 */

export interface MatrixAxis<V> {
  readonly name: string;
  readonly values: readonly V[];
}

export interface MatrixDefinition<V> {
  readonly axes: readonly MatrixAxis<V>[];
  readonly exclude: readonly Readonly<Record<string, V>>[];
  readonly include: readonly Readonly<Record<string, V>>[];
}

/** One combination: its values by key (axes first, in axis order, then extras in include order). */
export interface Combination<V> {
  readonly values: ReadonlyMap<string, V>;
  /** The index of each axis value in the product, or undefined for an appended include entry. */
  readonly axisIndexes: readonly number[] | undefined;
  /** For an appended include entry, its index in `include`. */
  readonly includeIndex: number | undefined;
}

type Constraint = ReadonlyMap<number, ReadonlySet<number>>;

/** For each entry, the axis value indexes each of its axis keys accepts (empty set: no value matches). */
function constraintsOf<V>(definition: MatrixDefinition<V>, entry: Readonly<Record<string, V>>, keyOf: (value: V) => string): Constraint {
  const constraint = new Map<number, Set<number>>();
  definition.axes.forEach((axis, axisIndex) => {
    if (!Object.hasOwn(entry, axis.name)) return;
    const wanted = keyOf(entry[axis.name] as V);
    const accepted = new Set<number>();
    axis.values.forEach((value, valueIndex) => {
      if (keyOf(value) === wanted) accepted.add(valueIndex);
    });
    constraint.set(axisIndex, accepted);
  });
  return constraint;
}

function matches(indexes: readonly number[], constraint: Constraint): boolean {
  for (const [axisIndex, accepted] of constraint) {
    if (!accepted.has(indexes[axisIndex] ?? -1)) return false;
  }
  return true;
}

/** Expands a matrix into its combinations, in GitHub's order. */
export function expandMatrix<V>(definition: MatrixDefinition<V>, keyOf: (value: V) => string): Combination<V>[] {
  const { axes } = definition;
  const excludes = definition.exclude.map((entry) => constraintsOf(definition, entry, keyOf));
  const axisNames = new Set(axes.map((a) => a.name));
  const includes = definition.include.map((entry) => ({
    filter: constraintsOf(definition, entry, keyOf),
    extras: Object.entries(entry).filter(([key]) => !axisNames.has(key)),
  }));

  const product: number[][] = [];
  if (axes.length > 0 && axes.every((a) => a.values.length > 0)) {
    const indexes = axes.map(() => 0);
    for (;;) {
      if (!excludes.some((constraint) => matches(indexes, constraint))) product.push([...indexes]);
      let axis = axes.length - 1;
      while (axis >= 0) {
        indexes[axis] = (indexes[axis] ?? 0) + 1;
        if ((indexes[axis] ?? 0) < (axes[axis]?.values.length ?? 0)) break;
        indexes[axis] = 0;
        axis--;
      }
      if (axis < 0) break;
    }
  }

  const extrasOf: (Map<string, V> | undefined)[] = [];
  const appended: Combination<V>[] = [];
  definition.include.forEach((entry, includeIndex) => {
    const { filter, extras } = includes[includeIndex] ?? { filter: new Map(), extras: [] };
    let matched = false;
    product.forEach((indexes, i) => {
      if (!matches(indexes, filter)) return;
      matched = true;
      if (extras.length === 0) return;
      const extrasOfCombination = extrasOf[i] ?? new Map<string, V>();
      extrasOf[i] = extrasOfCombination;
      for (const [key, value] of extras) extrasOfCombination.set(key, value);
    });
    if (!matched) {
      appended.push({ values: new Map(Object.entries(entry)), axisIndexes: undefined, includeIndex });
    }
  });

  const combinations = product.map((indexes, i): Combination<V> => {
    const values = new Map<string, V>();
    axes.forEach((axis, a) => values.set(axis.name, axis.values[indexes[a] ?? 0] as V));
    for (const [key, value] of extrasOf[i] ?? []) values.set(key, value);
    return { values, axisIndexes: indexes, includeIndex: undefined };
  });
  return [...combinations, ...appended];
}

/**
 * How many combinations a matrix expands to, without building them: the product after `exclude`,
 * counted exactly, plus the include entries (an upper bound for those that may be appended).
 */
export function countMatrix<V>(definition: MatrixDefinition<V>, keyOf: (value: V) => string): bigint {
  const { axes } = definition;
  if (axes.length === 0 || axes.some((a) => a.values.length === 0)) return BigInt(definition.include.length);
  const excludes = definition.exclude.map((entry) => constraintsOf(definition, entry, keyOf));
  const suffixProduct: bigint[] = [];
  let running = 1n;
  for (let a = axes.length - 1; a >= 0; a--) {
    running *= BigInt(axes[a]?.values.length ?? 1);
    suffixProduct[a] = running;
  }
  suffixProduct[axes.length] = 1n;
  const memo = new Map<string, bigint>();
  // count(a, alive): completions of axes a.. that no still-matching exclude entry (alive) removes
  const count = (axisIndex: number, alive: readonly number[]): bigint => {
    if (alive.length === 0) return suffixProduct[axisIndex] ?? 1n;
    if (axisIndex === axes.length) return 0n;
    const memoKey = `${axisIndex}:${alive.join(',')}`;
    const known = memo.get(memoKey);
    if (known !== undefined) return known;
    const groups = new Map<string, { alive: number[]; size: bigint }>();
    const valueCount = axes[axisIndex]?.values.length ?? 0;
    for (let v = 0; v < valueCount; v++) {
      const next = alive.filter((e) => excludes[e]?.get(axisIndex)?.has(v) ?? true);
      const key = next.join(',');
      const group = groups.get(key);
      if (group) group.size += 1n;
      else groups.set(key, { alive: next, size: 1n });
    }
    let total = 0n;
    for (const group of groups.values()) total += group.size * count(axisIndex + 1, group.alive);
    memo.set(memoKey, total);
    return total;
  };
  return (
    count(
      0,
      excludes.map((_, i) => i),
    ) + BigInt(definition.include.length)
  );
}
