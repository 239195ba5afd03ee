// How bin/ets starts node for the CLI, as data: the bench (bench/cli.bench.ts) starts its "PGlite
// as the CLI starts it" baseline the same way, and test/cli/startup.test.ts checks that bin/ets
// says exactly this. Why each is there: bin/ets and docs/internals/cli-performance.md.

/** V8 flags: WebAssembly on the baseline compiler only, each function compiled and validated when first called. */
export const CLI_NODE_FLAGS: readonly string[] = ["--liftoff-only", "--wasm-lazy-compilation", "--wasm-lazy-validation"];

/** glibc's malloc: transparent huge pages on what it maps, and its heap grown 64 MB at a time. */
export const CLI_GLIBC_TUNABLES = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864";
