// UserWarning, as Python's warnings module shows it: each distinct message once, through one handler.

export type WarningHandler = (message: string) => void;

const defaultHandler: WarningHandler = (message) => {
  console.warn(`UserWarning: ${message}`);
};

let handler: WarningHandler = defaultHandler;
const seen = new Set<string>();

/** Issue a UserWarning (each distinct message once, like Python's default filter). */
export function warn(message: string): void {
  if (seen.has(message)) return;
  seen.add(message);
  handler(message);
}

/** Route warnings elsewhere (the CLI sends them to its stderr); returns the previous handler. */
export function setWarningHandler(next: WarningHandler | null): WarningHandler {
  const previous = handler;
  handler = next ?? defaultHandler;
  return previous;
}

/** Forget which messages were shown (tests). */
export function resetWarnings(): void {
  seen.clear();
}
