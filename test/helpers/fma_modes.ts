// Runs a suite twice where this machine has the hardware's fused multiply-add (rows_fma.wat): once with
// it and once with rows.wat's exact emulation, which must give the same values.

import { after, before, describe } from 'node:test';
import { rowsModule } from '../../src/kernels/rows_module.js';
import { setFmaKernels } from '../../src/kernels/select.js';

/** `suite(hardware)` inside a describe per mode, AUTOGRAD_FMA's switch set for it. */
export function inEachFmaMode(suite: (hardware: boolean) => void): void {
  for (const hardware of rowsModule()?.fma != null ? [true, false] : [false]) {
    describe(hardware ? 'with the hardware fused multiply-add (rows_fma.wat)' : "with rows.wat's exact emulation of it", () => {
      let previous = true;
      before(() => {
        previous = setFmaKernels(hardware);
      });
      after(() => {
        setFmaKernels(previous);
      });
      suite(hardware);
    });
  }
}
