/**
 * The shapes of NCCL's double binary tree over nodes (src/graph/trees.cc, ncclGetBtree /
 * ncclGetDtree), which its Tree and NVLSTree all-reduces run across nodes. The first tree puts
 * node 0 at the root with a single child, the largest power of two below the node count; a node
 * whose lowest set bit is b hangs under the node that has b cleared and 2b set (or, past the end,
 * b cleared). The second tree mirrors the first (node i at m − 1 − i) when the count is even and
 * shifts it by one node when odd. Every node is then a leaf in at least one tree, which is what
 * spreads the NIC traffic: with two or three nodes no node carries more than 1.5 × its share.
 */

/** Lowest set bit of a positive integer. */
function lowBit(i: number): number {
  return i & -i;
}

/**
 * A node's parent in NCCL's first binary tree over `m` nodes, −1 for the root (node 0).
 * @example btreeParent(4, 3) // 2
 */
export function btreeParent(m: number, i: number): number {
  if (i === 0) return -1;
  const b = lowBit(i);
  const up = (i ^ b) | (b << 1);
  return up < m ? up : i ^ b;
}

/**
 * A node's parents in NCCL's two trees over `m` nodes (−1 for a root).
 * @example dtreeParents(3, 1) // [2, -1]
 */
export function dtreeParents(m: number, i: number): readonly [number, number] {
  const first = btreeParent(m, i);
  if (m % 2 === 1) {
    const p = btreeParent(m, (i - 1 + m) % m);
    return [first, p < 0 ? -1 : (p + 1) % m];
  }
  const p = btreeParent(m, m - 1 - i);
  return [first, p < 0 ? -1 : m - 1 - p];
}

/**
 * The most tree edges any node has over both trees (each edge carries half the data one way in
 * the reduce and back in the broadcast): 2 for two nodes, 3 for three, 4 from four on.
 * @example dtreeMaxEdges(3) // 3
 */
export function dtreeMaxEdges(m: number): number {
  const known = maxEdgesByNodes.get(m);
  if (known !== undefined) return known;
  const edges = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++)
    for (const p of dtreeParents(m, i))
      if (p >= 0) {
        edges[i] = (edges[i] ?? 0) + 1;
        edges[p] = (edges[p] ?? 0) + 1;
      }
  let most = 0;
  for (const e of edges) most = Math.max(most, e);
  maxEdgesByNodes.set(m, most);
  return most;
}

/** dtreeMaxEdges by node count: it walks both trees, and the analytic engine asks for the same few counts again and again. */
const maxEdgesByNodes = new Map<number, number>();
