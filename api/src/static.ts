import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Serves a built single-page app: its files, and its index.html for any other GET under the
 * mount point so that client-side routes survive a reload.
 */
export function spaRoutes(distDir: string): Router | null {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) return null;
  const routes = express.Router();
  routes.use(express.static(distDir, { index: false, maxAge: '1h' }));
  routes.get(/.*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return routes;
}
