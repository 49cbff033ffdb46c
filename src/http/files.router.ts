import express, { type Router } from 'express';
import type { FileStore } from '../domain/ports';
import type { FileLinks } from '../infra/file-links';

/** Serves stored files to whoever holds a signed link (channels fetching media, the widget). */
export function filesRouter(deps: { files: FileStore; links: FileLinks }): Router {
  const router = express.Router();
  router.get('/files/:id{/:name}', async (req, res) => {
    const signature = typeof req.query.sig === 'string' ? req.query.sig : '';
    if (!deps.links.verify(req.params.id, signature)) {
      res.status(403).json({ error: 'bad_signature' });
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
