import type { RoutingConditions } from './rule';

/**
 * Whether every lead that meets `later` also meets `earlier`, so a rule placed after `earlier`
 * can never fire (the first matching rule decides). Conservative: it answers true only when sure.
 */
export function shadows(earlier: RoutingConditions, later: RoutingConditions): boolean {
  const subset = (wide?: string[], narrow?: string[]) =>
    !wide || (!!narrow && narrow.every((value) => wide.includes(value)));
  if (!subset(earlier.channels, later.channels)) return false;
  if (!subset(earlier.sources, later.sources)) return false;
  if (!subset(earlier.languages, later.languages)) return false;
  for (const [key, value] of Object.entries(earlier.utm ?? {})) {
    if (later.utm?.[key as keyof typeof later.utm]?.toLowerCase() !== value.toLowerCase()) {
      return false;
    }
  }
  if (earlier.keywords) {
    const narrow = later.keywords;
    if (!narrow?.every((word) => earlier.keywords!.some((wide) => word.includes(wide)))) {
      return false;
    }
  }
  if (earlier.hours) {
    const [a, b] = [earlier.hours, later.hours];
    if (
      !b ||
      !!a.outside !== !!b.outside ||
      a.from !== b.from ||
      a.to !== b.to ||
      a.days.join() !== b.days.join()
    ) {
      return false;
    }
  }
  return true;
}
