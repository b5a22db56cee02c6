#!/usr/bin/env node
// The project ships TypeScript sources, not a build (as the Pulumi program does): register tsx's
// CommonJS loader so require() can load .ts files, then run the CLI written in TypeScript.

require("tsx/cjs");
require("../cli/main.ts").start();
