import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv';

describe('csv', () => {
  it('quotes what needs quoting and keeps Chinese and numbers as they are', () => {
    expect(csvLine(['阳光家政', -1234, 'a,"b"', null, 'x\ny'])).toBe(
      '阳光家政,-1234,"a,""b""",,"x\ny"\r\n',
    );
  });
  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-5')).toBe("'-5");
    expect(csvField(-5)).toBe('-5');
  });
});
