// Writes docs/reference/{security-rules,roles}.md from src/domain/security (see reference.ts).
// `npx tsx scripts/gen-security-docs.ts`; test/security/docs.test.ts fails when they drift.
import { writeFileSync } from "node:fs";
import { securityDocs } from "../src/domain/security/reference.ts";

for (const [path, text] of Object.entries(securityDocs())) writeFileSync(path, text);
