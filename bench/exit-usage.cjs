// Preloaded (node --require) into every measured process: at exit it writes the process's own CPU
// time (user + system, all threads, from start) and peak resident memory to file descriptor 3,
// so the benchmark measures children that it cannot otherwise see into (the compiled CLI, node -e 0).
'use strict';
const { writeSync } = require('node:fs');
process.on('exit', () => {
  const cpu = process.cpuUsage();
  try {
    writeSync(3, `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
  } catch {
    // No fd 3: not run by the benchmark.
  }
});
