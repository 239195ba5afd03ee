// The btree_gist extension in PGlite as files that PostgreSQL loads when it needs them. PGlite's
// own `extensions: { btree_gist }` unpacks the extension's archive and then instantiates and links
// btree_gist.so (a WebAssembly side module) at every start, before PostgreSQL boots: about 6% of
// the CPU of `ets holdings` on a small store (bench/cli.bench.ts), though few commands call one of
// its functions. This extension only writes the archive's files (the library, the control file
// and the SQL scripts) into PostgreSQL's folders in the in-memory file system; PostgreSQL then
// loads the library the first time it calls one of its functions (CREATE EXTENSION, a write to or
// an index scan of the blocks table's exclusion constraint), as it does on a server: Emscripten's
// dlopen reads and compiles it from that file system, synchronously, which Node allows.
// test/store/pglite-btree-gist.test.ts runs those calls on a store opened this way.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { pgliteFile } from "./pglite-prefetch.ts";
import type { Extension } from "@electric-sql/pglite";

/** Where PGlite's PostgreSQL is installed in its file system (the archive's paths are relative to it). */
const INSTALL_PREFIX = "/pglite";

/** One regular file of a tar archive. */
export interface TarFile {
  path: string;
  data: Uint8Array;
}

/** A NUL-terminated text field of a tar header. */
function field(header: Uint8Array, from: number, to: number): string {
  const bytes = header.subarray(from, to);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/**
 * The regular files of a (ustar) tar archive, in order; folders are implied by the paths. An
 * archive that ends early or names a size that is not octal is refused: a damaged package must
 * not start PostgreSQL with half an extension.
 */
export function untar(archive: Uint8Array): TarFile[] {
  const files: TarFile[] = [];
  for (let at = 0; at + 512 <= archive.length; ) {
    const header = archive.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return files;
    const sizeField = field(header, 124, 136).trim();
    if (!/^[0-7]+$/.test(sizeField)) throw new Error(`tar: bad size field "${sizeField}" at byte ${at}`);
    const size = Number.parseInt(sizeField, 8);
    const prefix = field(header, 345, 500);
    const path = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const type = header[156] ?? 0;
    at += 512;
    if (at + size > archive.length) throw new Error(`tar: ${path} runs past the end of the archive`);
    // "0" or NUL: a regular file. Folders, links and metadata entries carry nothing to write.
    if (type === 0x30 || type === 0) files.push({ path, data: archive.subarray(at, at + size) });
    at += Math.ceil(size / 512) * 512;
  }
  throw new Error("tar: the archive has no end-of-archive marker");
}

let unpacked: TarFile[] | undefined;

/** The files of PGlite's btree_gist archive (read once per process). */
export function btreeGistFiles(): TarFile[] {
  unpacked ??= untar(gunzipSync(readFileSync(pgliteFile("btree_gist.tar.gz"))));
  return unpacked;
}

/** The part of Emscripten's file system that the writing needs. */
interface EmscriptenFs {
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array): void;
}

/** btree_gist's files in PGlite's file system, its library loaded by PostgreSQL on first use. */
export const btreeGistOnDemand: Extension = {
  name: "btree_gist",
  setup: async (_pg, emscriptenOpts: { preRun?: unknown[] }) => {
    const files = btreeGistFiles();
    const writeFiles = (mod: { FS: EmscriptenFs }) => {
      for (const f of files) {
        const path = `${INSTALL_PREFIX}/${f.path}`;
        mod.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
        mod.FS.writeFile(path, f.data);
      }
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), writeFiles] } };
  },
};
