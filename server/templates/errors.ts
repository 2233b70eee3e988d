/** Errors of the template language, in Azure's codes and words. */

/** Where a value sits in the template text, when the caller gave the text. */
export interface TextPosition {
  line: number;
  column: number;
}

export class TemplateError extends Error {
  constructor(
    /** Azure's error code: InvalidTemplate, InvalidTemplateDeployment, ... */
    readonly code: string,
    message: string,
    /** The template path the error is about ('resources[0].name'), when known. */
    readonly path = '',
    readonly position?: TextPosition,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** An error inside an expression; the template walk wraps it with where it happened. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export const validationFailed = (inner: string, path = '', position?: TextPosition): TemplateError =>
  new TemplateError('InvalidTemplate', `Deployment template validation failed: '${inner}'.`, path, position);

/** " at line 'L' and column 'C'" when the position is known, '' otherwise. */
export const at = (position?: TextPosition): string =>
  position ? ` at line '${position.line}' and column '${position.column}'` : '';
