import { LoggingRunner } from './exec.ts';

/** A LoggingRunner that also hands every log line to a listener (the progress screen's log tail). */
export class ObservedRunner extends LoggingRunner {
  listener: (line: string) => void = () => undefined;

  override log(line: string): void {
    super.log(line);
    this.listener(line);
  }
}
