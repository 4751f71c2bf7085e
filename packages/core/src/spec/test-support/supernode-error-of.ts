import { isSupernodeError, type SupernodeError } from "../errors.ts";

/**
 * The SupernodeError that `fn` throws, for assertions on its kind, message and location; anything
 * else thrown propagates, and throwing nothing fails the test.
 * @example expect(supernodeErrorOf(() => parseHfConfig("{}", "c.json")).kind).toBe("invalid-value")
 */
export function supernodeErrorOf(fn: () => unknown): SupernodeError {
  try {
    fn();
  } catch (error) {
    if (isSupernodeError(error)) return error;
    throw error;
  }
  throw new Error("expected a SupernodeError");
}
