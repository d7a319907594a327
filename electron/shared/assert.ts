/** An exhaustive switch's default branch: a compile error when a case is missing, a throw if one slips through at run time. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
