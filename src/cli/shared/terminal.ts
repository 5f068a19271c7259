// Terminal output: flux's logger symbols on stderr, colour and a spinner only when stderr is a terminal.

/** Output is where a command writes: injectable so tests can capture it; defaults to the process streams. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** tty is true when stderr is a terminal: colour and spinners are allowed. */
  tty: boolean;
}

/** processOutput writes to the process streams. */
export function processOutput(): Output {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    tty: process.stderr.isTTY === true && process.env['NO_COLOR'] === undefined,
  };
}

const colours = { green: 32, red: 31, yellow: 33, blue: 34 } as const;

/** paint colours text on a terminal and leaves it untouched elsewhere. */
export function paint(o: Output, colour: keyof typeof colours, text: string): string {
  return o.tty ? `\u001b[${colours[colour]}m${text}\u001b[0m` : text;
}

/** Logger prints flux's status lines: `►` action, `✚` generate, `◎` waiting, `✔` success, `✗` failure, `⚠️` warning. */
export class Logger {
  readonly o: Output;
  constructor(o: Output) {
    this.o = o;
  }
  action(msg: string): void {
    this.o.err(`${paint(this.o, 'blue', '►')} ${msg}\n`);
  }
  generate(msg: string): void {
    this.o.err(`${paint(this.o, 'green', '✚')} ${msg}\n`);
  }
  waiting(msg: string): void {
    this.o.err(`${paint(this.o, 'yellow', '◎')} ${msg}\n`);
  }
  success(msg: string): void {
    this.o.err(`${paint(this.o, 'green', '✔')} ${msg}\n`);
  }
  failure(msg: string): void {
    this.o.err(`${paint(this.o, 'red', '✗')} ${msg}\n`);
  }
  warning(msg: string): void {
    this.o.err(`${paint(this.o, 'yellow', '⚠️')} ${msg}\n`);
  }
  /** spin shows a spinner with `msg` while `work` runs, on a terminal only; elsewhere it just awaits. */
  async spin<T>(msg: string, work: Promise<T>): Promise<T> {
    if (!this.o.tty) return work;
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let i = 0;
    const timer = setInterval(() => this.o.err(`\r${frames[i++ % frames.length] ?? ''} ${msg}`), 100);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.o.err('\r\u001b[K');
    }
  }
}
