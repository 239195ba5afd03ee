// One API operation: its OpenAPI route (paths, schemas), its access rule and its handler. All
// operations are kept in a list, so the app, the generated reference and the authorization
// matrix test enumerate the same set.
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Caller } from "../domain/security/roles.ts";
import type { Access, Principal } from "./access.ts";

export type Method = "get" | "post" | "put" | "delete";

export interface OpInput<P, Q, B> {
  c: Context;
  principal: Principal | undefined;
  /** Principal (public when not signed in), client address and request id, for the services and the audit. */
  caller: Caller;
  params: P;
  query: Q;
  body: B;
}

/** Named examples of a request or response body, for the document. */
export type Examples = Record<string, { summary: string; value: unknown }>;

/** A success response: description, JSON schema, headers and examples. */
export interface SuccessResponse {
  description: string;
  schema?: z.ZodType;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
  examples?: Examples;
}

export interface Op {
  method: Method;
  /** OpenAPI style: /v1/accounts/{accountId} */
  path: string;
  operationId: string;
  summary: string;
  /** What the operation does, in a few sentences (for lists: their order). */
  description: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out (or be empty): every field of it is optional. */
  bodyOptional?: boolean;
  /** status -> description and optional JSON schema */
  responses: Record<number, SuccessResponse>;
  /** Error statuses the operation answers beyond those its shape implies (src/http/openapi.ts errorStatuses), e.g. 409, 422. */
  errors?: readonly number[];
  /** Examples of the request body. */
  requestExamples?: Examples;
  /** State-changing operations are audited and need CSRF proof when cookie-authenticated. */
  handler: (input: OpInput<any, any, any>) => Promise<Response>;
}

export function op<P extends z.ZodObject | undefined = undefined, Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(spec: {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  bodyOptional?: boolean;
  responses: Record<number, SuccessResponse>;
  errors?: readonly number[];
  requestExamples?: Examples;
  handler: (
    input: OpInput<P extends z.ZodObject ? z.output<P> : Record<string, never>, Q extends z.ZodObject ? z.output<Q> : Record<string, never>, B extends z.ZodType ? z.output<B> : undefined>,
  ) => Promise<Response>;
}): Op {
  return spec as unknown as Op;
}

/** /v1/accounts/{accountId} -> /v1/accounts/:accountId */
export function honoPath(p: string): string {
  return p.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}
