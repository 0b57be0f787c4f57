import { describe, expect, it } from 'vitest';
import { joinWords, splitWords } from '../../src/ui/argv.ts';

describe('splitWords', () => {
  it('splits on blanks and honours quotes and backslashes', () => {
    expect(splitWords(`one "two words" --three`)).toEqual(['one', 'two words', '--three']);
    expect(splitWords(`  a\\ b  'c"d' "e\\"f" '' x`)).toEqual(['a b', 'c"d', 'e"f', '', 'x']);
    expect(splitWords('')).toEqual([]);
    expect(splitWords('--leak-check=full --track-origins=yes')).toEqual(['--leak-check=full', '--track-origins=yes']);
  });
});

describe('joinWords', () => {
  it('round-trips through splitWords', () => {
    for (const words of [['one', 'two words', '--three'], ["it's", '', 'a"b', 'x\\y'], ['LANG=C', 'A=b c']]) {
      expect(splitWords(joinWords(words))).toEqual(words);
    }
    expect(joinWords(['one', 'two words'])).toBe(`one 'two words'`);
  });
});
