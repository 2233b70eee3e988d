/**
 * What the surfaces learn about a request while answering it (its api-version, who called,
 * the error code it was answered with, its JSON body's text), noted on the response for the stages
 * that look back at the request when it ends: the request journal.
 */
import type { Response } from 'express';

export interface RequestNote {
  apiVersion?: string;
  principal?: string;
  errorCode?: string;
  /** The JSON body's text, as it arrived (for the journal). */
  bodyText?: string;
}

export function noteOf(res: Response): RequestNote {
  return (res.locals.arclightNote ??= {}) as RequestNote;
}
