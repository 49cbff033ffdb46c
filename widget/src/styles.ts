/** Scoped by the shadow root, so neither the site's CSS nor ours leaks across. */
export const STYLES = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.lh { --accent: #2563eb; position: fixed; bottom: 20px; z-index: 2147483000; color: #111827; }
.lh.right { right: 20px; } .lh.left { left: 20px; }
.launcher { width: 60px; height: 60px; border-radius: 50%; border: 0; cursor: pointer;
  background: var(--accent); color: #fff; box-shadow: 0 8px 24px rgba(0,0,0,.22);
  display: grid; place-items: center; transition: transform .15s; position: relative; }
.launcher:hover { transform: scale(1.06); }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
.badge { position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; padding: 0 6px;
  border-radius: 10px; background: #ef4444; color: #fff; font-size: 12px; line-height: 20px; }
.badge[hidden] { display: none; }
.panel { position: absolute; bottom: 76px; width: 370px; height: min(600px, calc(100vh - 120px));
  background: #fff; border-radius: 18px; box-shadow: 0 16px 48px rgba(0,0,0,.22);
  display: flex; flex-direction: column; overflow: hidden; }
.right .panel { right: 0; } .left .panel { left: 0; }
.panel[hidden] { display: none; }
header { background: var(--accent); color: #fff; padding: 16px 18px; display: flex; gap: 12px;
  align-items: flex-start; }
header .titles { flex: 1; }
header h2 { margin: 0; font-size: 17px; font-weight: 600; }
header .status { font-size: 12px; opacity: .9; margin-top: 3px; }
header .status::before { content: ""; display: inline-block; width: 8px; height: 8px;
  border-radius: 50%; background: #9ca3af; margin-right: 6px; }
header .status.on::before { background: #4ade80; }
.close { background: transparent; border: 0; color: #fff; font-size: 24px; line-height: 1;
  cursor: pointer; padding: 0 4px; opacity: .85; }
.notice { background: #fff7ed; color: #9a3412; font-size: 13px; padding: 10px 16px; }
.notice[hidden] { display: none; }
.list { flex: 1; overflow-y: auto; padding: 16px; background: #f8fafc; display: flex;
  flex-direction: column; gap: 8px; }
.bubble { max-width: 80%; padding: 9px 13px; border-radius: 16px; font-size: 14px;
  line-height: 1.4; white-space: pre-wrap; overflow-wrap: anywhere; }
.bubble.outbound { align-self: flex-start; background: #fff; border: 1px solid #e5e7eb;
  border-bottom-left-radius: 4px; }
.bubble.inbound { align-self: flex-end; background: var(--accent); color: #fff;
  border-bottom-right-radius: 4px; }
.bubble a { color: inherit; }
.bubble img { display: block; max-width: 220px; max-height: 220px; border-radius: 10px;
  margin: 2px 0; }
.file { display: flex; align-items: center; gap: 6px; text-decoration: underline; }
.meta { font-size: 11px; opacity: .75; margin-top: 3px; text-align: right; }
.bubble.failed { background: #fee2e2; color: #991b1b; cursor: pointer; }
.typing { font-size: 12px; color: #6b7280; padding: 0 18px 6px; background: #f8fafc; }
.typing[hidden] { display: none; }
form.prechat { padding: 18px; display: flex; flex-direction: column; gap: 10px;
  border-top: 1px solid #e5e7eb; }
form.prechat p { margin: 0 0 4px; font-size: 13px; color: #4b5563; }
form.prechat input { border: 1px solid #d1d5db; border-radius: 10px; padding: 10px 12px;
  font-size: 14px; outline: none; width: 100%; }
form.prechat input:focus { border-color: var(--accent); }
form.prechat .error { color: #b91c1c; font-size: 12px; min-height: 0; }
.primary { background: var(--accent); color: #fff; border: 0; border-radius: 10px;
  padding: 11px; font-size: 14px; font-weight: 600; cursor: pointer; }
form.composer { display: flex; align-items: flex-end; gap: 6px; padding: 10px;
  border-top: 1px solid #e5e7eb; background: #fff; }
form.composer textarea { flex: 1; resize: none; border: 0; outline: none; font-size: 14px;
  padding: 9px 6px; max-height: 120px; min-height: 38px; }
.icon { width: 38px; height: 38px; border-radius: 50%; border: 0; cursor: pointer;
  display: grid; place-items: center; background: transparent; color: #6b7280; }
.icon svg { width: 20px; height: 20px; fill: currentColor; }
.icon.send { background: var(--accent); color: #fff; }
.prechat[hidden], .composer[hidden] { display: none; }
.toast { font-size: 12px; color: #b91c1c; padding: 4px 14px; background: #fff; }
.toast[hidden] { display: none; }
@media (max-width: 480px) {
  .lh.right, .lh.left { right: 16px; left: auto; bottom: 16px; }
  .panel { position: fixed; inset: 0; width: 100%; height: 100%; border-radius: 0; }
}
`;
