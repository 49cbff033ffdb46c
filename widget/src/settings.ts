/** How a site configured the widget: its `<script>` tag's `src` and `data-` attributes. */
export interface WidgetSettings {
  /** Where the hub is: the origin the script came from. */
  hub: string;
  siteKey: string;
  color?: string;
  title?: string;
  greeting?: string;
  lang?: string;
  position: 'left' | 'right';
}

export function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // Loaded with `async` or injected later: currentScript is gone, so look the tag up.
  return document.querySelector<HTMLScriptElement>('script[data-key][src*="widget.js"]');
}

export function readSettings(script: HTMLScriptElement): WidgetSettings | undefined {
  const data = script.dataset;
  if (!data.key) return undefined;
  const src = new URL(script.src, location.href);
  const settings: WidgetSettings = {
    hub: src.origin,
    siteKey: data.key,
    position: data.position === 'left' ? 'left' : 'right',
  };
  // A colour the browser does not understand would leave the launcher invisible.
  if (data.color && CSS.supports('color', data.color)) settings.color = data.color;
  if (data.title) settings.title = data.title;
  if (data.greeting) settings.greeting = data.greeting;
  const lang = data.lang ?? src.searchParams.get('lang') ?? undefined;
  if (lang) settings.lang = lang;
  return settings;
}
