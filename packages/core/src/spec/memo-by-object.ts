/**
 * A function of an object computed once per object: later calls with the same object return the
 * first result. For values derived from objects that are not mutated once built (catalog chips,
 * model architectures, resolved inputs); the cache lets an object go once nothing else holds it.
 * @example const area = memoByObject((r: { w: number; h: number }) => r.w * r.h)
 */
export function memoByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as V;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}
