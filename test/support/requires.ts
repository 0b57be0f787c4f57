// A test that needs a host tool skips where the tool is missing, but not under CI=true:
// .ci/run installs every tool the tests use, so there a missing one must fail the run
// instead of passing it silently.
export const lacking = (present: boolean): boolean => !present && !process.env.CI;
