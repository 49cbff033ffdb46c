import { inflateSync } from 'node:zlib';

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, row by row. */
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Decodes an 8-bit RGBA, non-interlaced PNG (what resvg writes), so a test can look at the
 * picture itself; throws on anything else, including a file that is not a PNG.
 */
export function decodePng(file: Uint8Array): Pixels {
  const buffer = Buffer.from(file);
  if (!buffer.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('ascii', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || colour !== 6 || interlace !== 0) throw new Error('not 8-bit RGBA');
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!ended || width === 0) throw new Error('truncated PNG');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const from = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? data[row + x - 4]! : 0;
      const up = y > 0 ? data[row - stride + x]! : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = left;
          break;
        case 2:
          predictor = up;
          break;
        case 3:
          predictor = (left + up) >> 1;
          break;
        case 4:
          predictor = paeth(left, up, x >= 4 && y > 0 ? data[row - stride + x - 4]! : 0);
          break;
        default:
          throw new Error(`unknown PNG filter ${filter}`);
      }
      data[row + x] = (raw[from + x]! + predictor) & 0xff;
    }
  }
  return { width, height, data };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * The horizontal runs of one colour, one per bar: for each band of rows holding that colour, how
 * many columns it spans (bars drawn side by side are told apart by the gap between bands).
 */
export function barLengths(
  pixels: Pixels,
  rgb: [number, number, number],
  tolerance = 12,
): number[] {
  const rows: number[] = [];
  for (let y = 0; y < pixels.height; y++) {
    let count = 0;
    for (let x = 0; x < pixels.width; x++) {
      const i = (y * pixels.width + x) * 4;
      const d = pixels.data;
      if (
        Math.abs(d[i]! - rgb[0]) <= tolerance &&
        Math.abs(d[i + 1]! - rgb[1]) <= tolerance &&
        Math.abs(d[i + 2]! - rgb[2]) <= tolerance
      )
        count++;
    }
    rows.push(count);
  }
  const bars: number[] = [];
  let band: number[] = [];
  for (const count of [...rows, 0]) {
    if (count > 0) band.push(count);
    else if (band.length > 0) {
      // A band's middle row: antialiased edges at the top and bottom are shorter.
      bars.push(Math.max(...band));
      band = [];
    }
  }
  return bars;
}
