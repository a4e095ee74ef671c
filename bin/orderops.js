#!/usr/bin/env node
// The `orderops` command. The sources are TypeScript; tsx compiles them on load so that the
// command runs from a plain `npm ci` with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv);
