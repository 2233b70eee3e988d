/** One /_arclight endpoint: a row of test control's route table (see routes.ts). */
import type { Request, Response } from 'express';

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under /_arclight; a RegExp for paths that carry an ARM id. */
  path: string | RegExp;
  /** Answers without the admin key (health, ready, ca.pem). */
  open?: boolean;
  /** Answers without settling due operations first. */
  independent?: boolean;
  handle(req: Request, res: Response): Promise<void> | void;
}
