// The scheme the server runs (/v1/public/scheme), for the pages that format its currency and years.
import { createContext, useContext } from "react";
import type { Scheme } from "./api/types.ts";

export const SchemeContext = createContext<Scheme | undefined>(undefined);

export function useScheme(): Scheme | undefined {
  return useContext(SchemeContext);
}
