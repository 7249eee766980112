/** @module An error shown next to what caused it, announced to screen readers. */

export interface ErrorMessageProps {
  readonly id?: string;
  readonly message: string | undefined;
}

/** Renders nothing when there is no message. */
export function ErrorMessage({ id, message }: ErrorMessageProps) {
  if (message === undefined || message === '') return null;
  return (
    <p id={id} className="error-message" role="alert">
      <span className="visually-hidden">Error: </span>
      {message}
    </p>
  );
}
