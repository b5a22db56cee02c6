// Stops an entry point at once, with one line, when Node is older than package.json's engines.node.
//
// Plain CommonJS on purpose: it must run on the old Node it refuses (undici 8, @pulumi/pulumi and
// the Lambda runtime need Node 22; on Node 20 `npm run dev` used to die deep inside undici with
// "Cannot read properties of undefined (reading 'bind')"). Used by bin/calendly-webhooks.js and the
// npm pre-scripts of dev, test and cli; `npm ci` itself is stopped by engine-strict in .npmrc.
"use strict";

const { engines } = require("../package.json");

/** The minimum major version of a ">=N" range (the only form this project uses). */
function requiredMajor(range) {
  const match = /^>=\s*(\d+)/.exec(range);
  if (!match) throw new Error(`package.json engines.node "${range}" is not of the form ">=N"`);
  return Number(match[1]);
}

/** One line saying what is wrong and how to fix it, or null when `version` (e.g. "20.20.2") will do. */
function nodeVersionProblem(version, range = engines.node) {
  const needed = requiredMajor(range);
  if (Number(version.split(".")[0]) >= needed) return null;
  return (
    `calendly-webhooks needs Node.js ${needed} or newer (this is ${version}): ` +
    `run \`source .ci/node.sh\` to put Node ${needed} from the npm registry on PATH, ` +
    `or install it from https://nodejs.org`
  );
}

function checkNode() {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}

module.exports = { nodeVersionProblem, checkNode };

if (require.main === module) checkNode();
