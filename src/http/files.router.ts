import express, { type Router } from 'express';
import type { FileStore } from '../domain/ports';
import type { FileLinks } from '../infra/file-links';

/** Serves stored files to whoever holds a signed link (channels fetching media, the widget). */
export function filesRouter(deps: { files: FileStore; links: FileLinks }): Router {
  const router = express.Router();
  router.get('/files/:id{/:name}', async (req, res) => {
    // Query values may be arrays or objects (`?sig[$ne]=x`): only plain strings are read.
    const query = (name: string) => {
      const value = req.query[name];
      return typeof value === 'string' ? value : '';
    };
    const check = deps.links.check(req.params.id, query('exp'), query('sig'));
    if (check !== 'ok') {
      // Gone, not forbidden: whoever holds an expired link had it legitimately.
      res.status(check === 'expired' ? 410 : 403).json({ error: check });
      return;
    }
    const file = await deps.files.get(req.params.id);
    if (!file) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    // Uploads carry the type the visitor's browser claimed: only media are shown inline, and
    // nothing is ever run as a page of the hub's origin.
    const inline = /^(image\/(png|jpeg|gif|webp)|audio\/|video\/|application\/pdf)/.test(
      file.mimeType,
    );
    res
      .type(file.mimeType)
      .set('cache-control', 'private, max-age=86400')
      .set('x-content-type-options', 'nosniff')
      .set('content-security-policy', 'sandbox')
      .set(
        'content-disposition',
        `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      )
      .send(file.data);
  });
  return router;
}
