/**
 * Reads the hub's /metrics (Prometheus text): database round trips by command and collection
 * (`linehub_db_commands_total`) and the event loop's lag (prom-client's default metrics, whose
 * lag histogram restarts at every scrape: one scrape before and one after a window give that
 * window's percentiles).
 */

export interface Scrape {
  at: number;
  ok: boolean;
  error?: string;
  /** `command collection` → round trips so far. */
  commands: Map<string, number>;
  gauges: Map<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;

function label(labels: string, name: string): string {
  return new RegExp(`${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(labels)?.[1] ?? '';
}

export function parseMetrics(text: string, at: number): Scrape {
  const commands = new Map<string, number>();
  const gauges = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name, labels = '', raw] = match;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    if (name === 'linehub_db_commands_total') {
      const key = `${label(labels, 'command')} ${label(labels, 'collection')}`.trim();
      commands.set(key, (commands.get(key) ?? 0) + value);
    } else if (!labels) {
      gauges.set(name!, value);
    }
  }
  return { at, ok: true, commands, gauges };
}

export async function scrape(hubUrl: string, timeoutMs = 5000): Promise<Scrape> {
  const at = performance.now();
  try {
    const response = await fetch(`${hubUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
    return parseMetrics(await response.text(), at);
  } catch (error) {
    return {
      at,
      ok: false,
      error: (error as Error).message,
      commands: new Map(),
      gauges: new Map(),
    };
  }
}

export const totalCommands = (scrape: Scrape) =>
  [...scrape.commands.values()].reduce((a, b) => a + b, 0);

export interface CommandDelta {
  ok: boolean;
  total: number;
  seconds: number;
  byCommand: Record<string, number>;
}

/** Round trips between two scrapes, largest first. */
export function commandDelta(before: Scrape, after: Scrape): CommandDelta {
  const byCommand: [string, number][] = [];
  for (const [key, value] of after.commands) {
    const delta = value - (before.commands.get(key) ?? 0);
    if (delta > 0) byCommand.push([key, delta]);
  }
  byCommand.sort((a, b) => b[1] - a[1]);
  return {
    ok: before.ok && after.ok,
    total: byCommand.reduce((total, [, value]) => total + value, 0),
    seconds: (after.at - before.at) / 1000,
    byCommand: Object.fromEntries(byCommand),
  };
}

/** The event loop's lag in the window that ended with this scrape, in ms. */
export function eventLoopLag(scrape: Scrape) {
  const ms = (name: string) => {
    const value = scrape.gauges.get(`linehub_nodejs_eventloop_lag_${name}_seconds`);
    return value === undefined ? NaN : value * 1000;
  };
  return { p50Ms: ms('p50'), p99Ms: ms('p99'), maxMs: ms('max'), meanMs: ms('mean') };
}

/** The hub process's memory as prom-client reports it, in bytes (NaN when not scraped). */
export function memory(scrape: Scrape) {
  const gauge = (name: string) => scrape.gauges.get(name) ?? NaN;
  return {
    heapUsed: gauge('linehub_nodejs_heap_size_used_bytes'),
    rss: gauge('linehub_process_resident_memory_bytes'),
  };
}
