// Tests that build on each other (a first run, then an import, then an install …): after a failure
// the rest are skipped with the reason, not timed out one by one.
import { test } from 'node:test';

export function buildingSteps(onFailure: () => void = () => undefined): (name: string, fn: () => Promise<void>) => void {
  let broken = false;
  return (name, fn) =>
    test(name, async (t) => {
      if (broken) return t.skip('an earlier step failed');
      try {
        await fn();
      } catch (e) {
        broken = true;
        onFailure();
        throw e;
      }
    });
}
