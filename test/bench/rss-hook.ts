/**
 * Preloaded into every benchmarked process (`node --require`): prints the process's peak
 * resident memory and CPU time as the last line of stdout when it exits.
 */
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stdout.write(`\n${JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`);
});
