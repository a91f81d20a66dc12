/** A worker entry for the harness's own test: cases that answer, throw, hang, exit and run out of memory. */
export async function runCase(input: { do: 'ok' | 'throw' | 'loop' | 'exit' | 'oom'; n?: number }): Promise<unknown> {
  switch (input.do) {
    case 'ok':
      return { n: input.n };
    case 'throw':
      throw new RangeError('thrown on purpose');
    case 'loop':
      // A synchronous endless loop: only terminating the worker ends it.
      for (;;) input.n = (input.n ?? 0) + 1;
    case 'exit':
      process.exit(3);
      break;
    case 'oom': {
      const keep: number[][] = [];
      for (;;) keep.push(new Array(1e6).fill(1.5));
    }
  }
}
