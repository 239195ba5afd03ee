// Goal: the checkpoint tree is exactly RFC 6962's: the Certificate Transparency reference roots
// for 0 to 8 leaves and the reference compact trees (test vectors from transparency-dev/merkle,
// testonly/constants.go: LeafInputs, RootHashes, CompactTrees), and for any number of leaves the
// frontier's root equals the recursive definition of RFC 6962 section 2.1; a stored frontier
// round-trips and a malformed one is refused.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { EMPTY_ROOT, Frontier, leafHash, nodeHash } from "./merkle.ts";

const hex = (s: string) => Buffer.from(s, "hex");
const LEAF_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(hex);
const ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/** RFC 6962 section 2.1, written as the RFC says it. */
function mth(leaves: string[]): string {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0] as string;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe("RFC 6962 Merkle tree", () => {
  it("gives the Certificate Transparency reference roots for 0 to 8 leaves", () => {
    const f = Frontier.empty();
    expect(f.root()).toBe(ROOTS[0]);
    LEAF_INPUTS.forEach((input, i) => {
      f.push(leafHash(input));
      expect(f.root(), `size ${i + 1}`).toBe(ROOTS[i + 1]);
      expect(f.size).toBe(i + 1);
    });
  });

  it("keeps the reference compact trees as its frontier", () => {
    const f = Frontier.empty();
    for (const input of LEAF_INPUTS.slice(0, 7)) f.push(leafHash(input));
    // CompactTrees()[7] = { nh[2][0], nh[1][2], nh[0][6] }: 4 + 2 + 1 leaves
    expect(f.toJSON()).toEqual({
      size: 7,
      levels: [
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      ],
    });
  });

  test.prop([fc.array(fc.string(), { maxLength: 300 }), fc.nat({ max: 300 })])("for any leaves, the frontier's root is RFC 6962's, also after a stored frontier is read back", (inputs, cut) => {
    const leaves = inputs.map((s) => leafHash(s));
    const at = Math.min(cut, leaves.length);
    const first = Frontier.empty();
    for (const l of leaves.slice(0, at)) first.push(l);
    expect(first.root()).toBe(mth(leaves.slice(0, at)));
    const again = Frontier.from(JSON.parse(JSON.stringify(first.toJSON())));
    for (const l of leaves.slice(at)) again.push(l);
    expect(again.root()).toBe(mth(leaves));
    expect(again.size).toBe(leaves.length);
  });

  it("refuses a stored frontier that is not one", () => {
    const h = "a".repeat(64);
    for (const bad of [null, {}, { size: -1, levels: [] }, { size: 1, levels: [] }, { size: 2, levels: [h] }, { size: 3, levels: [h, "xyz"] }, { size: 1.5, levels: [h] }]) {
      expect(() => Frontier.from(bad), JSON.stringify(bad)).toThrow(/not a Merkle frontier/);
    }
    expect(Frontier.from({ size: 2, levels: [null, h] }).root()).toBe(h);
  });
});
