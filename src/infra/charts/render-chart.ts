import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { BarChart, ChartRenderer } from '../../app/reports/ports';
import { barChartSpec, FONT } from './bar-chart.spec';

/** Twice the chart's own size: sharp on a phone, a few tens of kilobytes. */
const SCALE = 2;

/**
 * Charts drawn on the server with nothing downloaded: Vega-Lite compiles to Vega, Vega renders
 * SVG without a browser (`renderer: 'none'`), resvg (its native build ships inside its npm
 * package) rasterises it with the system fonts, which cover Cyrillic.
 */
export async function renderBarChart(chart: BarChart): Promise<Uint8Array> {
  const view = new vega.View(vega.parse(compile(barChartSpec(chart)).spec), {
    renderer: 'none',
  });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: SCALE },
      font: { loadSystemFonts: true, defaultFontFamily: FONT },
    })
      .render()
      .asPng();
    return new Uint8Array(png);
  } finally {
    view.finalize();
  }
}

export const chartRenderer: ChartRenderer = renderBarChart;
