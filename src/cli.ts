#!/usr/bin/env node
/**
 * The `cdk8s-istio` command: `npx cdk8s-istio analyze [options] FILE|DIR...`.
 */
import { runCommand } from './analysis/command';

process.exitCode = runCommand(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
});
