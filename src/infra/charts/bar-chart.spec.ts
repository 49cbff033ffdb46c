import type { TopLevelSpec } from 'vega-lite';
import type { BarChart } from '../../app/reports/ports';

/** Wide enough for a phone screen at Telegram's scaling, with room for stage names. */
const WIDTH = 560;
const BAR_HEIGHT = 26;
export const FONT = 'DejaVu Sans';
/** Two series (plan and fact, median and p90) in colours that differ in greyscale too. */
const COLOURS = ['#4C78A8', '#F58518', '#54A24B', '#B279A2'];

/**
 * A horizontal bar chart in Vega-Lite: one row per label in the order given, bars of several
 * series side by side, each bar with its value written at its end.
 */
export function barChartSpec(chart: BarChart): TopLevelSpec {
  const labels = [...new Set(chart.bars.map((bar) => bar.label))];
  const series = [...new Set(chart.bars.map((bar) => bar.series ?? ''))];
  const rows = labels.length * Math.max(1, series.length);
  const grouped = series.length > 1;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: chart.title, font: FONT, fontSize: 15 },
    width: WIDTH,
    height: Math.max(BAR_HEIGHT * 2, rows * BAR_HEIGHT),
    background: 'white',
    padding: 12,
    config: { font: FONT, view: { stroke: null } },
    data: { values: chart.bars.map((bar) => ({ ...bar, series: bar.series ?? '' })) },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: labels, title: null, axis: { labelLimit: 220 } },
      x: { field: 'value', type: 'quantitative', title: chart.axis },
      ...(grouped ? { yOffset: { field: 'series', sort: series } } : {}),
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: grouped
            ? {
                field: 'series',
                type: 'nominal',
                sort: series,
                scale: { range: COLOURS },
                legend: { title: null, orient: 'bottom' },
              }
            : { value: COLOURS[0] },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'value', type: 'quantitative', format: ',' } },
      },
    ],
  } as TopLevelSpec;
}
