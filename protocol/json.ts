/**
 * JSON as it crosses the wire and as the specs are written: any shape, read by path.
 *
 * This is the one place the code opts out of static types, on purpose. Request bodies are
 * checked against their api-version's schema before a handler reads them, stored bodies were
 * checked when written, and spec schemas are walked generically; spelling out every shape of
 * every api-version in TypeScript would copy the specs by hand. Code that needs a shape it can
 * rely on checks it (kit/valueChecks.ts, protocol/agentReports.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: validated JSON, read by path
export type Json = any;

/** A JSON object: a body, its properties, a schema. */
export type JsonObject = Record<string, Json>;
