/** The structural part of a zod schema that form validation needs. */
export interface SafeParser {
  safeParse(value: unknown): {
    success: boolean;
    error?: { issues: readonly { path: readonly PropertyKey[] }[] };
  };
}

/**
 * Which fields of `value` the shared schema refuses, as dotted paths (`priceFen`,
 * `ranges.0.end`); the top-level path of an object-wide rule is its own name or ''.
 */
export function invalidPaths(schema: SafeParser, value: unknown): Set<string> {
  const result = schema.safeParse(value);
  return new Set(result.error?.issues.map((issue) => issue.path.map(String).join('.')) ?? []);
}
