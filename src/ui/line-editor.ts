// The terminal's line discipline, done in the page: the guest's tty does not echo (as a
// real tty in canonical mode would do in the kernel), so the page echoes what is typed,
// edits the line with backspace, and hands the guest whole lines on Enter, like ICANON.

export interface LineInput {
  /** What to write to the terminal so the user sees the edit. */
  echo: string;
  /** Text for the guest's stdin, in order (completed lines, and a partial line on Ctrl-D). */
  send: string[];
  /** Ctrl-D on an empty line: end of input. */
  eof: boolean;
}

export class LineEditor {
  private line = '';

  /** Feeds keyboard data as xterm's onData delivers it (a key, or a whole paste). */
  feed(data: string): LineInput {
    const out: LineInput = { echo: '', send: [], eof: false };
    // Cursor keys and other escape sequences: no history or cursor motion here, so drop them.
    const text = data.replace(/\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g, '');
    for (const ch of text) {
      if (ch === '\r' || ch === '\n') {
        out.send.push(`${this.line}\n`);
        out.echo += '\r\n';
        this.line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (!this.line) continue;
        const chars = [...this.line];
        chars.pop();
        this.line = chars.join('');
        out.echo += '\b \b';
      } else if (ch === '\x04') {
        // As in a tty: Ctrl-D sends a partial line as it is, and on an empty line is EOF.
        if (this.line) out.send.push(this.line);
        else out.eof = true;
        this.line = '';
        if (out.eof) break;
      } else if (ch === '\x15') {
        out.echo += '\b \b'.repeat([...this.line].length);
        this.line = '';
      } else if (ch >= ' ' || ch === '\t') {
        this.line += ch;
        out.echo += ch;
      }
    }
    return out;
  }
}

/** Terminal text without escape sequences: the plain mirror the page keeps beside xterm. */
export function plainText(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r\n/g, '\n').replace(/\r/g, '');
}
