import ejs from 'ejs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VIEWS_DIR } from '../../src/http/views.js';

// The server-drawn bar chart (views/partials/bar-chart.ejs): plain data in, an SVG named and
// described for screen readers out, with bars in proportion and their texts beside them.
const render = async (locals: Record<string, unknown>) => (await ejs.renderFile(path.join(VIEWS_DIR, 'partials/bar-chart.ejs'), locals, { root: VIEWS_DIR, views: [VIEWS_DIR] })).trim();
const widths = (svg: string) => [...svg.matchAll(/<rect [^>]*width="([\d.]+)%"[^>]*fill="#1d4f91"/g)].map((m) => Number(m[1]));

describe('the bar chart partial', () => {
  it('draws one bar per datum, in proportion to its own maximum, with its label and text', async () => {
    const svg = await render({ id: 'c1', title: 'Indicateurs', bars: [{ label: 'Taux de label', value: 50, max: 100, text: '50 %' }, { label: 'Note moyenne', value: 15, max: 20, text: '15 / 20' }, { label: 'Rien', value: null, max: 100, text: '—' }] });
    // The texts keep the page's size (no viewBox); the track is 80 % of the width, each bar its share of it.
    expect(svg).toMatch(/^<svg class="bar-chart" role="img" aria-labelledby="c1-title c1-desc" width="100%" height="146"/);
    expect(svg).toContain('<title id="c1-title">Indicateurs</title>');
    // Without a description of its own, the chart says every bar's label and text.
    expect(svg).toContain('<desc id="c1-desc">Taux de label : 50 % ; Note moyenne : 15 / 20 ; Rien : —</desc>');
    expect(widths(svg)).toEqual([40, 60, 0]);
    expect(svg.match(/<text /g)).toHaveLength(6);
    expect(svg).toContain('>15 / 20</text>');
    expect(svg).not.toMatch(/<script|style=|https?:\/\/(?!www\.w3\.org)/);
  });

  it('keeps bars within the track, draws none for a zero maximum, escapes the texts and takes a description', async () => {
    const svg = await render({ id: 'c2', title: 'A <b>&', desc: 'Deux barres', bars: [{ label: '<x>', value: 7, max: 5, text: '7' }, { label: 'zéro', value: 0, max: 0, text: '0' }] });
    expect(widths(svg)).toEqual([80, 0]);
    expect(svg).toContain('<title id="c2-title">A &lt;b&gt;&amp;</title>');
    expect(svg).toContain('<desc id="c2-desc">Deux barres</desc>');
    expect(svg).toContain('&lt;x&gt;');
    // An empty chart is still a named image.
    expect(await render({ id: 'c3', title: 'Vide', bars: [] })).toContain('height="8"');
  });
});
