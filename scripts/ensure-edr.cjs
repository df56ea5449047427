// npm running under Node 20 skips EDR's native binary (its engine field wants Node >= 22),
// and Hardhat then fails with HHE27. When that happened, install again under the Node 22
// that the `node` devDependency put in node_modules/.bin (npm scripts run with it first on PATH).
const { execFileSync } = require("node:child_process");

function edrLoads() {
  try {
    require("@nomicfoundation/edr");
    return true;
  } catch {
    return false;
  }
}

// Only Hardhat needs EDR. A production install (`npm ci --omit=dev`, the Dockerfile's runtime stage) has no
// Hardhat, and installing again there would bring back every development dependency.
function hardhatInstalled() {
  try {
    require.resolve("hardhat/package.json");
    return true;
  } catch {
    return false;
  }
}

const major = Number(process.versions.node.split(".")[0]);
if (process.env.WELLSPRING_EDR_REINSTALL || major < 22 || !hardhatInstalled() || edrLoads()) process.exit(0);
if (!process.env.npm_execpath) {
  console.error("ensure-edr: EDR's native binary is missing; run `npm install` again under Node 22.");
  process.exit(0);
}
console.log("ensure-edr: EDR native binary missing (npm ran under an older Node); installing it under Node " + process.versions.node);
execFileSync(process.execPath, [process.env.npm_execpath, "install", "--no-audit", "--no-fund"], {
  stdio: "inherit",
  env: { ...process.env, WELLSPRING_EDR_REINSTALL: "1" },
});
if (!edrLoads()) {
  console.error("ensure-edr: @nomicfoundation/edr still does not load; Hardhat will fail with HHE27.");
  process.exit(1);
}
