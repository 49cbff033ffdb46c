/**
 * Draws the README's example chart with the project's own renderer (Vega-Lite → SVG → resvg →
 * PNG) from the demo figures below: `npx tsx scripts/readme-chart.ts` writes
 * docs/report-plan-vs-fact.png.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderBarChart } from '../src/infra/charts/render-chart';
import { PROJECT_ROOT } from '../src/infra/project-root';

/** A demo sales team's December: plans set with /plan, facts from won deals. */
const DEMO = [
  { name: 'Семён', plan: 1_000_000, fact: 640_000 },
  { name: 'Светлана', plan: 800_000, fact: 910_000 },
  { name: 'Пётр', plan: 600_000, fact: 180_000 },
];

async function main(): Promise<void> {
  const png = await renderBarChart({
    title: 'План и факт · декабрь 2026',
    axis: '₽',
    bars: DEMO.flatMap((row) => [
      { label: row.name, value: row.plan, series: 'План' },
      { label: row.name, value: row.fact, series: 'Факт' },
    ]),
  });
  const file = path.join(PROJECT_ROOT, 'docs/report-plan-vs-fact.png');
  writeFileSync(file, png);
  console.log(`${file}: ${png.length} bytes`);
}

void main();
