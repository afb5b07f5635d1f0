// Engine benchmarks (issue 2): per-op overhead with and without graph recording, and one
// Linear + MSELoss forward/backward/SGD step at batch 16×1 and 1024×100 (with and without the wasm kernels).

import * as torch from '../src/index.js';
import { setFastKernels } from '../src/kernels/select.js';
import { perIteration } from './timing.js';

export interface EngineFigures {
  opRecordedUs: number;
  opNoGradUs: number;
  step16x1Us: number;
  step1024x100Us: number;
  /** The same step with the WebAssembly kernels turned off. */
  step1024x100JsUs: number;
}

/** Microseconds per `a.mul(b)` on 10-element float32 tensors. */
function smallOp(recorded: boolean): number {
  const a = torch.randn(10, { requires_grad: recorded });
  const b = torch.randn(10);
  const op = (): void => {
    a.mul(b);
  };
  return 1e6 * perIteration(op, 200_000);
}

/** Microseconds per training step (forward, loss, zero_grad, backward, SGD step). */
function trainingStep(batch: number, features: number): number {
  const gen = new torch.Generator(1);
  const x = torch.randn(batch, features, { generator: gen });
  const y = torch.randn(batch, 1, { generator: gen });
  const model = new torch.nn.Linear(features, 1, { generator: gen });
  const loss_fn = new torch.nn.MSELoss();
  const opt = new torch.optim.SGD(model.parameters(), { lr: 1e-3 });
  const step = (): void => {
    const loss = loss_fn.forward(model.forward(x), y);
    opt.zero_grad();
    loss.backward();
    opt.step();
  };
  return 1e6 * perIteration(step, batch > 100 ? 2000 : 50_000);
}

export function runEngineBench(): EngineFigures {
  const opRecordedUs = smallOp(true);
  const opNoGradUs = torch.no_grad(() => smallOp(false));
  const step16x1Us = trainingStep(16, 1);
  const step1024x100Us = trainingStep(1024, 100);
  const previous = setFastKernels(false);
  const step1024x100JsUs = trainingStep(1024, 100);
  setFastKernels(previous);
  return { opRecordedUs, opNoGradUs, step16x1Us, step1024x100Us, step1024x100JsUs };
}
