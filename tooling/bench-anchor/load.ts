/**
 * How busy the machine was while we measured: our process's CPU time against all processes'
 * (from /proc/stat), the same check the PyTorch anchor prints, so a busy machine is visible.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - idle) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined; // not Linux
  }
}

/** Start with `new LoadCheck()`, read with `line()` after the timed steps. */
export class LoadCheck {
  private readonly busy0 = machineBusySeconds();
  private readonly cpu0 = process.cpuUsage();
  private readonly wall0 = performance.now();
  readonly loadBefore = loadavg()[0];

  /** `load check over timed steps: wall=…s own CPU=…s machine busy CPU=…s -> other processes ~…CPU-s` */
  line(): string {
    const wall = (performance.now() - this.wall0) / 1000;
    const c = process.cpuUsage(this.cpu0);
    const own = (c.user + c.system) / 1e6;
    const busy0 = this.busy0;
    const busy1 = machineBusySeconds();
    if (busy0 === undefined || busy1 === undefined) return `load check: wall=${wall.toFixed(1)}s own CPU=${own.toFixed(1)}s (no /proc/stat)`;
    const busy = busy1 - busy0;
    return `load check over timed steps: wall=${wall.toFixed(1)}s own CPU=${own.toFixed(1)}s machine busy CPU=${busy.toFixed(1)}s  -> other processes ~${Math.max(0, busy - own).toFixed(1)} CPU-s`;
  }
}
