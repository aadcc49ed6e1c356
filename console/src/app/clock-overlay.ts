import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { clockPosition } from '../ui/frame.tsx';
import { formatClock } from '../ui/format.ts';

const SAVE = '\x1b7';
const RESTORE = '\x1b8';

/**
 * Draws the header clock straight onto the terminal, in the blank place the frame keeps for it: the
 * clock changes every second, and a full render of the frame for one changed field would cost far more
 * CPU (and, on a serial line, bytes) than the 30 bytes written here. Save cursor, move, write, restore:
 * a VT100 knows all three, and the renderer finds its cursor where it left it.
 */
export class ClockOverlay {
  private drawing = false;
  private enabled = true;

  constructor(
    private readonly write: (text: string) => void,
    private profile: TerminalProfile,
    private readonly now: () => number,
  ) {}

  setProfile(profile: TerminalProfile): void {
    this.profile = profile;
  }

  /** Off while the terminal belongs to someone else (the emergency shell). */
  setEnabled(on: boolean): void {
    this.enabled = on;
  }

  /** Whether a write is the overlay's own (so a stream wrapper does not redraw after it). */
  get isDrawing(): boolean {
    return this.drawing;
  }

  draw(at = this.now()): void {
    if (!this.enabled) return;
    const { row, col } = clockPosition(this.profile);
    if (col < 1) return;
    this.drawing = true;
    try {
      this.write(`${SAVE}\x1b[${row};${col}H${formatClock(at)}${RESTORE}`);
    } finally {
      this.drawing = false;
    }
  }
}
