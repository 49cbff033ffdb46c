import { renderBarChart } from '../../src/infra/charts/render-chart';
import { barLengths, decodePng } from '../support/png';

const BLUE: [number, number, number] = [0x4c, 0x78, 0xa8];
const ORANGE: [number, number, number] = [0xf5, 0x85, 0x18];

const funnel = (values: number[]) => ({
  title: 'Воронка лидов',
  axis: 'лидов',
  bars: values.map((value, i) => ({
    label: ['Новый', 'Выявление', 'КП', 'Квалифицирован'][i]!,
    value,
  })),
});

describe('charts as pictures', () => {
  it('draws a funnel as a PNG of sensible size whose bars are as long as the figures say', async () => {
    const png = await renderBarChart(funnel([40, 20, 10, 5]));
    const image = decodePng(png);
    expect(png.length).toBeGreaterThan(5_000);
    expect(png.length).toBeLessThan(500_000);
    expect(image.width).toBeGreaterThan(800);
    expect(image.height).toBeGreaterThan(200);

    const bars = barLengths(image, BLUE);
    expect(bars).toHaveLength(4);
    // Each bar half the one above it, within a few pixels of antialiasing.
    expect(bars[1]! / bars[0]!).toBeCloseTo(0.5, 1);
    expect(bars[2]! / bars[0]!).toBeCloseTo(0.25, 1);
    expect(bars[3]! / bars[0]!).toBeCloseTo(0.125, 1);
  });

  it('draws different data as a different picture', async () => {
    const a = Buffer.from(await renderBarChart(funnel([40, 20, 10, 5])));
    const b = Buffer.from(await renderBarChart(funnel([40, 30, 10, 5])));
    expect(a.equals(b)).toBe(false);
    const bars = barLengths(decodePng(b), BLUE);
    expect(bars[1]! / bars[0]!).toBeCloseTo(0.75, 1);
  });

  it('draws two series side by side in two colours (plan and fact)', async () => {
    const png = await renderBarChart({
      title: 'План и факт',
      axis: '₽',
      bars: [
        { label: 'Семён', value: 100_000, series: 'План' },
        { label: 'Семён', value: 50_000, series: 'Факт' },
        { label: 'Светлана', value: 80_000, series: 'План' },
        { label: 'Светлана', value: 80_000, series: 'Факт' },
      ],
    });
    const image = decodePng(png);
    // The legend's swatches are short runs of their own.
    const plan = barLengths(image, BLUE).filter((length) => length > 40);
    const factBars = barLengths(image, ORANGE).filter((length) => length > 40);
    expect(plan).toHaveLength(2);
    expect(factBars).toHaveLength(2);
    expect(factBars[0]! / plan[0]!).toBeCloseTo(0.5, 1);
    expect(factBars[1]! / plan[1]!).toBeCloseTo(1, 1);
  });
});
