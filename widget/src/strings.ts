/** Every text the visitor sees; the hub embeds `locales/<lng>/widget.json` into the script. */
export type WidgetStrings = typeof import('../../locales/en/widget.json');

declare const __LINEHUB_WIDGET_STRINGS__: Record<string, WidgetStrings>;
declare const __LINEHUB_WIDGET_LANG__: string;

/** The language asked for by `data-lang`, else the one the script was served in. */
export function stringsFor(lang: string | undefined): WidgetStrings {
  const all = __LINEHUB_WIDGET_STRINGS__;
  return (lang && all[lang]) || all[__LINEHUB_WIDGET_LANG__]!;
}

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) =>
    key in values ? String(values[key]) : match,
  );
}
