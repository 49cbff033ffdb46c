import { startChat } from './chat';
import { findScript, readSettings } from './settings';
import { stringsFor } from './strings';

/** Entry point of `/widget.js`: read the tag's settings, then draw the chat once the page is ready. */
function boot(): void {
  const script = findScript();
  const settings = script && readSettings(script);
  if (!settings) {
    console.error('linehub widget: the <script> tag needs data-key="<site key>"');
    return;
  }
  const start = () => startChat(settings, stringsFor(settings.lang));
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
}

boot();
