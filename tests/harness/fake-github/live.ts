/** Every fake GitHub made in this test file, so guard.ts can fail a test that left a violation. */
export const live = new Set<{ violations: string[] }>();

export function watch(fake: { violations: string[] }): void {
  live.add(fake);
}

/** Takes every fake's violations; throws, listing them, when there are any. */
export function takeViolations(): void {
  const found: string[] = [];
  for (const fake of live) found.push(...fake.violations.splice(0));
  if (found.length)
    throw new Error(
      `The fake GitHub saw what GitHub's description does not allow (tests/conformance/):\n- ${found.join('\n- ')}`,
    );
}
