// Typed errors. Each carries the class of failure that src/cli/main.ts turns into an exit code.

/** What kind of failure an error is; the CLI maps each to one exit code (see README). */
export type ErrorKind =
  | 'runtime' // a library misuse (PyTorch's RuntimeError / ValueError / TypeError / IndexError)
  | 'usage' // bad command-line usage or refused request (exit 2)
  | 'data' // malformed input data (exit 65)
  | 'input' // input missing or unreadable (exit 66)
  | 'output' // output cannot be created (exit 73)
  | 'io' // I/O error mid-way (exit 74)
  | 'diverged' // training produced a non-finite loss (exit 1)
  | 'interrupted'; // SIGINT (exit 130)

export class AutogradError extends Error {
  readonly kind: ErrorKind;
  constructor(message: string, kind: ErrorKind) {
    super(message);
    this.kind = kind;
    this.name = new.target.name;
  }
}

/** PyTorch's RuntimeError: same texts as PyTorch where PyTorch has one. */
export class RuntimeError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** PyTorch/Python ValueError (bad argument value). */
export class ValueError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** Python TypeError (bad argument type). Named so it does not shadow the built-in TypeError. */
export class ArgumentTypeError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** Python IndexError (dimension or index out of range). */
export class IndexError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** Python KeyError (a missing key: a param group without `initial_lr`, a module's parameter, buffer or submodule name); the message without Python's quotes. */
export class KeyError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** Python ZeroDivisionError (Python's `/`, `//` or `**` by zero where PyTorch's Python code does one). */
export class ZeroDivisionError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** Python AttributeError (get_submodule / get_parameter / get_buffer of a missing name). */
export class AttributeError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** Python AssertionError (a bare `assert` in PyTorch's Python code: nn.Hardtanh's bounds). */
export class AssertionError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** Python NotImplementedError (a Module without a forward, such as ModuleList). */
export class NotImplementedError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

/** Bad command-line usage, or a request the tool refuses (exit 2). */
export class UsageError extends AutogradError {
  constructor(message: string) {
    super(message, 'usage');
  }
}

/** Where in a data file a problem is. Line and column are 1-based. */
export interface DataLocation {
  file: string;
  line?: number;
  column?: number;
  columnName?: string;
}

/** A bad cell: what is wrong with it ('empty', 'invalid', 'unknown-category', ...) and its text. */
export interface CellProblemInfo {
  problem: string;
  value: string;
  /** Whether the cell is in a feature or a target column. */
  role?: 'feature' | 'target';
}

/** Malformed data (exit 65). The message already names file, line and column. */
export class DataError extends AutogradError {
  readonly location: DataLocation | undefined;
  /** Set when the error is about one cell's value. */
  readonly cell: CellProblemInfo | undefined;
  constructor(message: string, location?: DataLocation, cell?: CellProblemInfo) {
    super(message, 'data');
    this.location = location;
    this.cell = cell;
  }
}

/** An input file is missing or unreadable (exit 66). */
export class InputError extends AutogradError {
  constructor(message: string) {
    super(message, 'input');
  }
}

/** An output file cannot be created (exit 73). */
export class OutputError extends AutogradError {
  constructor(message: string) {
    super(message, 'output');
  }
}

/** An I/O error after work had started (exit 74). */
export class IOFailure extends AutogradError {
  constructor(message: string) {
    super(message, 'io');
  }
}

/** Training produced a non-finite loss (exit 1). */
export class TrainingDivergedError extends AutogradError {
  readonly epoch: number;
  readonly step: number;
  constructor(message: string, epoch: number, step: number) {
    super(message, 'diverged');
    this.epoch = epoch;
    this.step = step;
  }
}

/** An expression's value or gradient is not finite (`autograd grad`; exit 1, as a diverged run). */
export class NonFiniteResultError extends AutogradError {
  constructor(message: string) {
    super(message, 'diverged');
  }
}

/** The user interrupted (Ctrl-C; exit 130). */
export class InterruptedError extends AutogradError {
  constructor(message = 'interrupted') {
    super(message, 'interrupted');
  }
}
