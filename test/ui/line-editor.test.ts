import { describe, expect, it } from 'vitest';
import { LineEditor, plainText } from '../../src/ui/line-editor.ts';

describe('LineEditor', () => {
  it('echoes typed characters and sends the line on Enter', () => {
    const ed = new LineEditor();
    expect(ed.feed('h')).toEqual({ echo: 'h', send: [], eof: false });
    expect(ed.feed('ey')).toEqual({ echo: 'ey', send: [], eof: false });
    expect(ed.feed('\r')).toEqual({ echo: '\r\n', send: ['hey\n'], eof: false });
  });

  it('edits with backspace and Ctrl-U, and ignores cursor keys', () => {
    const ed = new LineEditor();
    expect(ed.feed('ab\x7f\x7f\x7fc\x1b[Ad').echo).toBe('ab\b \b\b \bcd');
    expect(ed.feed('\x15').echo).toBe('\b \b\b \b');
    expect(ed.feed('é\x7fx\r').send).toEqual(['x\n']);
  });

  it('splits a paste into lines', () => {
    expect(new LineEditor().feed('one\ntwo\rthr').send).toEqual(['one\n', 'two\n']);
  });

  it('Ctrl-D sends a partial line, and on an empty line ends input', () => {
    const ed = new LineEditor();
    expect(ed.feed('abc\x04')).toEqual({ echo: 'abc', send: ['abc'], eof: false });
    expect(ed.feed('\x04')).toEqual({ echo: '', send: [], eof: true });
  });
});

describe('plainText', () => {
  it('drops colours and carriage returns', () => {
    expect(plainText('\x1b[90m==1== hi\x1b[0m\r\nok\r\n')).toBe('==1== hi\nok\n');
  });
});
