import { withinHours } from './hours';
import type { RoutingConditions, RoutingSample } from './rule';

/** Whether a new lead meets every condition of a rule. */
export function matches(
  conditions: RoutingConditions,
  sample: RoutingSample,
  timeZone: string,
): boolean {
  const { channels, sources, utm, keywords, languages, hours } = conditions;
  if (channels && (!sample.channel || !channels.includes(sample.channel))) return false;
  if (sources && (!sample.source || !sources.includes(sample.source))) return false;
  if (languages && (!sample.language || !languages.includes(sample.language))) return false;
  for (const [key, value] of Object.entries(utm ?? {})) {
    if (sample.utm[key as keyof typeof sample.utm]?.toLowerCase() !== value.toLowerCase()) {
      return false;
    }
  }
  if (keywords) {
    const text = sample.text?.toLowerCase() ?? '';
    if (!keywords.some((word) => text.includes(word.toLowerCase()))) return false;
  }
  if (hours && withinHours(hours, sample.at, timeZone) === !!hours.outside) return false;
  return true;
}
