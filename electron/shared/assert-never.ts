// The one exhaustiveness check (issue 16): `default: return assertNever(x)` makes the compiler refuse a
// switch that forgets a case of a tagged union, and throws if a value outside the type arrives anyway
// (a newer peer, a hand-edited file). Lives in shared/ so that the core and the renderer use the same one.

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
