// UserWarning, as Python's warnings module shows it: each distinct message once, through one handler; and
// print(), for the lines PyTorch prints (verbose schedulers): the library's only ways to the console.

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

/** Where Python's print() goes: verbose schedulers' lines (stdout in Python). */
export type PrintHandler = (line: string) => void;

const defaultPrinter: PrintHandler = (line) => {
  console.log(line);
};

let printer: PrintHandler = defaultPrinter;

/** Print one line as Python's print() would (verbose=True messages). */
export function print(line: string): void {
  printer(line);
}

/** Route print() lines elsewhere; returns the previous handler (null: back to the console). */
export function setPrintHandler(next: PrintHandler | null): PrintHandler {
  const previous = printer;
  printer = next ?? defaultPrinter;
  return previous;
}
