// Colours for terminal output: chalk, loaded only when colour is on (importing it costs ~10 ms of start-up).

export interface Palette {
  blue(text: string): string;
  green(text: string): string;
  bold(text: string): string;
}

const same = (text: string): string => text;

/** No colour: every style is the identity. */
export const PLAIN: Palette = { blue: same, green: same, bold: same };

/** chalk's styles at 16 colours when `color`, else PLAIN. */
export async function loadPalette(color: boolean): Promise<Palette> {
  if (!color) return PLAIN;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return { blue: (t) => chalk.blue(t), green: (t) => chalk.green(t), bold: (t) => chalk.bold(t) };
}
