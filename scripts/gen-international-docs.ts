// Writes docs/reference/international-checks.md from src/domain/international (see reference.ts).
// `npx tsx scripts/gen-international-docs.ts`; test/international/docs.test.ts fails when it drifts.
import { writeFileSync } from "node:fs";
import { internationalDocs } from "../src/domain/international/reference.ts";

for (const [path, text] of Object.entries(internationalDocs())) writeFileSync(path, text);
