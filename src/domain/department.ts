/**
 * The company keeps one responsible per department on every lead and deal (seed 000: Bitrix had a
 * single "responsible" field and lost who sold a deal once operations took it over).
 */
export const RESPONSIBLE_SLOTS = ['sales', 'operations', 'headOfSales'] as const;
export type ResponsibleSlot = (typeof RESPONSIBLE_SLOTS)[number];

export type Responsibles = Partial<Record<ResponsibleSlot, string>>;

/** Hand-off and reassignment change one slot and keep every other department's responsible. */
export function assignResponsible(
  current: Responsibles,
  slot: ResponsibleSlot,
  userId: string,
): Responsibles {
  return { ...current, [slot]: userId };
}

export interface Department {
  id: string;
  code: string;
  name: string;
  headUserId?: string;
}
