type Attributes = Record<string, string | boolean | undefined>;

/** Builds an element; text goes in through `textContent`, so nothing a visitor typed is HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

/** Fixed markup of our own, never visitor input. */
export function icon(svgPath: string): HTMLSpanElement {
  const wrapper = h('span', { 'aria-hidden': 'true' });
  wrapper.innerHTML = `<svg viewBox="0 0 24 24"><path d="${svgPath}"/></svg>`;
  return wrapper.firstChild as HTMLSpanElement;
}

export const ICONS = {
  chat: 'M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.6 3.4 6.1L4.5 21l4.2-2.3c1 .3 2.1.4 3.3.4 5.5 0 10-3.6 10-8s-4.5-8.1-10-8.1z',
  attach:
    'M16.5 6.5v10.6a4.5 4.5 0 0 1-9 0V5.6a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9.6a3 3 0 0 0 6 0V5.6a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0V6.5h-1.5z',
  send: 'M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z',
};
