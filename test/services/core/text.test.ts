import { clip, oneLine, visibleData, visibleText } from '../../../services/core/text';

describe('text from people and files, as every output shows it', () => {
  it('takes out bidi overrides, isolates and control characters, keeping tabs, line breaks and ordinary marks', () => {
    expect(visibleText('Val \u202enosnhoJ\u202c\u2066x\u2069\u001b[2J\u0000\u0085')).toBe('Val nosnhoJx[2J');
    expect(visibleText('a\tb\r\nc\rd')).toBe('a\tb\nc\nd');
    // Marks real right-to-left names need are not overrides, and stay.
    expect(visibleText('\u200fسارة\u200e')).toBe('\u200fسارة\u200e');
  });

  it('keeps a name on one line', () => {
    expect(oneLine('Val\r\n\r\n  Approved by the Director ')).toBe('Val Approved by the Director ');
  });

  it('cuts long text with an ellipsis, never through a surrogate pair', () => {
    expect(clip('abcdef', 6)).toBe('abcdef');
    expect(clip('abcdefg', 6)).toBe('abcde…');
    const cut = clip('abcd😀😀', 6);
    expect(cut).toBe('abcd…');
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('cleans every string inside plain data and leaves other values alone', () => {
    const at = new Date('2026-11-29T09:00:00Z');
    expect(visibleData({ a: ['x\u202ey'], b: { c: 'z\u0007', n: 3, ok: true, none: null }, at })).toEqual({
      a: ['xy'],
      b: { c: 'z', n: 3, ok: true, none: null },
      at,
    });
  });
});
