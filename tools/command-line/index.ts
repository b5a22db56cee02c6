/**
 * One way to read a command line, for every entry point: parseArgs with one set of rules
 * (parse.ts), the frame of a program (program.ts), the option values all read alike (values.ts)
 * and "did you mean" (suggest.ts).
 */
export {
  asksForHelp,
  type CommandLine,
  CommandLineError,
  type CommandLineErrorCode,
  parseCommandLine,
} from "./parse";
export { type Program, runProgram } from "./program";
export { closest, didYouMean } from "./suggest";
export * from "./values";
