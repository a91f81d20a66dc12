import { describe, expect, it } from 'vitest';
import { dataUri, esc, fmt, fmtBytes, fmtDuration, page, table } from './html.js';

describe('report HTML helpers', () => {
  it('escape text and format numbers for people', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(fmt(0.123456)).toBe('0.1235');
    expect(fmt(0.123456, 2)).toBe('0.12');
    expect(fmt(undefined)).toBe('–');
    expect(fmt(Number.NaN)).toBe('–');
    expect(fmt(3e-7)).toBe('3.00e-7');
    expect(fmtDuration(12.34)).toBe('12.3 s');
    expect(fmtDuration(184.5)).toBe('3 min 05 s');
    expect(fmtDuration(3 * 3600 + 120)).toBe('3 h 02 min');
    expect(fmtDuration('x')).toBe('–');
    expect(fmtBytes(512)).toBe('512 B');
    expect(fmtBytes(7_715_480)).toBe('7.7 MB');
  });

  it('build tables, data URIs and a page without scripts or external resources', () => {
    expect(table('c', ['a', { html: '<b>b</b>' }], [[1.5, 'x<y']])).toBe(
      '<table class="data"><caption>c</caption><thead><tr><th>a</th><th><b>b</b></th></tr></thead><tbody><tr><td>1.5000</td><td>x&lt;y</td></tr></tbody></table>',
    );
    expect(table('', [], [['k', 'v']])).toBe('<table class="data"><tbody><tr><td>k</td><td>v</td></tr></tbody></table>');
    expect(dataUri('image/png', new Uint8Array([1, 2, 3]))).toBe('data:image/png;base64,AQID');
    const html = page('T <1>', '<p>x</p>');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>T &lt;1&gt;</title>');
    expect(html).not.toMatch(/<script|<link|@import|url\(/);
  });
});
