/**
 * A progress line on stderr for long work, shown only when stdout is a terminal (never in
 * pipes, CI logs or --json runs). Redraws on whole-percent steps, so it costs nothing per item.
 */
export class Progress {
  private label = "";
  private total = 0;
  private count = 0;
  private shown = -1;

  constructor(private readonly stream: NodeJS.WriteStream | undefined) {}

  static forTerminal(json: boolean): Progress | undefined {
    return !json && process.stdout.isTTY === true && process.stderr.isTTY === true
      ? new Progress(process.stderr)
      : undefined;
  }

  start(label: string, total: number): void {
    this.label = label;
    this.total = total;
    this.count = 0;
    this.shown = -1;
    this.draw();
  }

  tick(n = 1): void {
    this.count += n;
    this.draw();
  }

  /** A step without a count (e.g. "computing shares"). */
  step(label: string): void {
    this.stream?.write(`\r\x1b[2K${label}…`);
  }

  done(): void {
    this.stream?.write("\r\x1b[2K");
  }

  private draw(): void {
    if (this.stream === undefined || this.total <= 0) return;
    const pct = Math.floor((100 * this.count) / this.total);
    if (pct === this.shown) return;
    this.shown = pct;
    const width = 30;
    const filled = Math.round((width * pct) / 100);
    this.stream.write(
      `\r\x1b[2K${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.count}/${this.total}`,
    );
  }
}
