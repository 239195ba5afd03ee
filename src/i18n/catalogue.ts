// Every message of the catalogue, merged from the area files in messages/. A key appears once
// (test/i18n.test.ts checks that no area redefines another's key).
import { CHECK_MESSAGES } from "./messages/checks.ts";
import { ERROR_MESSAGES } from "./messages/errors.ts";
import { REGISTRY_CODES } from "./messages/registry-codes.ts";

/** The areas, by name, for the completeness test. */
export const AREAS = {
  registryCodes: REGISTRY_CODES,
  checks: CHECK_MESSAGES,
  errors: ERROR_MESSAGES,
} as const;

export const MESSAGES = {
  ...REGISTRY_CODES,
  ...CHECK_MESSAGES,
  ...ERROR_MESSAGES,
} as const;
