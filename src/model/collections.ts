/** Adds `value` to the list under `key`, making the list on first use: grouping in linear time (a spread per add is quadratic). */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
