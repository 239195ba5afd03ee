// The hash chains walked in (chain, seq) order, in keyset pages over their primary key: each chain
// starts at link 1 from the genesis hash, and every link names the previous link's hash. (That
// each link's hash is what its transaction's records give is checked in the pass over the
// transactions, which has their movements at hand.)
import { GENESIS } from "../ledger/hash.ts";
import { keysetPages } from "./pages.ts";
import type { Pass } from "./report.ts";

interface LinkRow {
  chain: string;
  seq: bigint;
  tx_id: string;
  prev_hash: string;
  hash: string;
}

export async function checkChainLinks(p: Pass): Promise<{ chains: number; links: number }> {
  let chain: string | undefined;
  let prevHash = GENESIS;
  let expectSeq = 1n;
  let chains = 0;
  let links = 0;
  for await (const l of keysetPages<LinkRow>(p.sql, p.pageSize, (after) => ({
    text: `SELECT chain, seq, tx_id, prev_hash, hash FROM chain_links ${after ? "WHERE (chain, seq) > ($1, $2)" : ""} ORDER BY chain, seq`,
    params: after ? [after.chain, after.seq] : [],
  }))) {
    links++;
    if (l.chain !== chain) {
      chain = l.chain;
      prevHash = GENESIS;
      expectSeq = 1n;
      chains++;
    }
    const facts = { chain: l.chain, seq: l.seq.toString(), transactionId: l.tx_id };
    if (l.seq !== expectSeq) p.add({ invariant: "chain-sequence", message: `chain ${l.chain}: link ${l.seq} where ${expectSeq} was expected`, facts });
    if (l.prev_hash !== prevHash) p.add({ invariant: "chain-link", message: `chain ${l.chain} link ${l.seq}: previous hash does not match`, facts });
    prevHash = l.hash;
    expectSeq = l.seq + 1n;
  }
  return { chains, links };
}
