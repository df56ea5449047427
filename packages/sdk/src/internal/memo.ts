import { toMemo as protocolToMemo } from "@wellspring/protocol";

import { withSdkErrors } from "../account.ts";

/** A deposit's bytes32 memo (@wellspring/protocol `toMemo`), with the SDK's InvalidArgumentError. */
export const toMemo = withSdkErrors(protocolToMemo);
