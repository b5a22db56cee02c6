#!/usr/bin/env node
// The project ships TypeScript sources, not a build (as the Pulumi program does): register tsx's
// CommonJS loader so require() can load .ts files, then run the CLI written in TypeScript.
// First, on an older Node, one line saying which one is needed (tools/check-node.cjs).

require("../tools/check-node.cjs").checkNode();
require("tsx/cjs");
require("../cli/main.ts").start();
