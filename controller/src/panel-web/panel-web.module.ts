import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { PANEL_CSP, PANEL_DIR, panelBuilt, resolvePanelRequest } from './panel-files';

/**
 * Serves the browser panel (built by Vite into `controller/dist/web`) at `/`. Its handler is
 * added in `onModuleInit`, which Nest runs after every API route is registered and before its
 * 404 handler: API routes always win, and only requests no route took reach the panel.
 */
@Module({})
export class PanelWebModule implements OnModuleInit {
  private readonly logger = new Logger(PanelWebModule.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    if (!panelBuilt()) {
      this.logger.warn({ dir: PANEL_DIR }, 'browser panel not built (run `npm run build`); serving the API only');
      return;
    }
    this.adapterHost.httpAdapter.use((req: Request, res: Response, next: NextFunction) => {
      const answer = resolvePanelRequest({ method: req.method, path: req.path, accept: req.get('accept') ?? '' });
      if (answer.kind === 'none') {
        next();
        return;
      }
      res.setHeader('Cache-Control', answer.cacheControl);
      if (answer.kind === 'app' && !res.getHeader('Content-Security-Policy')) res.setHeader('Content-Security-Policy', PANEL_CSP);
      // sendFile sets type, length, ETag and Last-Modified; the caching policy is ours.
      res.sendFile(answer.path, { cacheControl: false, dotfiles: 'deny' }, (err) => {
        if (err && !res.headersSent) next(err);
      });
    });
  }
}
