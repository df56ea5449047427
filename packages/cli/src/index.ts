/** @wellspring/cli — the `wellspring` command, also usable in-process (tests, scripts). */
export { run, EXIT, exitCodeOf, FILES, defaultPolicyPath, type Io } from "./cli.ts";
export {
  collectInputs,
  gitHistoryInput,
  installedManifests,
  type CollectedInputs,
  type CollectOptions,
} from "./collect.ts";
