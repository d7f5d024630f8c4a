/** Seeded randomness: pure, so a run order or a simulation can be repeated from its seed. Callers create the seed. */

/**
 * A mulberry32 generator: floats in [0, 1), the same sequence for the same seed (taken as a 32-bit unsigned integer).
 * Small and fast; meant for run orders and simulations, not for anything secret.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A new array with the items in a uniformly random order (Fisher–Yates); `items` is left as it was. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}
