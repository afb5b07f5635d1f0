// pytorch/tutorials beginner_source/basics/tensorqs_tutorial.py, line by line
// (the Python: test/fixtures/torch/tutorials/tensorqs_tutorial.py). NumPy arrays are typed arrays here:
// np.array(data) of Python ints is a BigInt64Array, np.ones(5) a Float64Array.

import * as torch from '../../src/index.js';
import { f, print, pytype } from './python.js';

export function main(): void {
  torch.manual_seed(0);

  // Initializing a Tensor
  const data = [[1n, 2n], [3n, 4n]];
  const x_data = torch.tensor(data);

  const np_array = new BigInt64Array([1n, 2n, 3n, 4n]);
  const x_np = torch.from_numpy(np_array, [2, 2]);
  void x_np;

  const x_ones = torch.ones_like(x_data); // retains the properties of x_data
  print(f`Ones Tensor: \n ${x_ones} \n`);

  const x_rand = torch.rand_like(x_data, { dtype: torch.float }); // overrides the datatype of x_data
  print(f`Random Tensor: \n ${x_rand} \n`);

  const shape = [2, 3];
  const rand_tensor = torch.rand(shape);
  const ones_tensor = torch.ones(shape);
  const zeros_tensor = torch.zeros(shape);

  print(f`Random Tensor: \n ${rand_tensor} \n`);
  print(f`Ones Tensor: \n ${ones_tensor} \n`);
  print(f`Zeros Tensor: \n ${zeros_tensor}`);

  // Attributes of a Tensor
  let tensor = torch.rand(3, 4);

  print(f`Shape of tensor: ${tensor.shape}`);
  print(f`Datatype of tensor: ${tensor.dtype}`);
  print(f`Device tensor is stored on: ${tensor.device}`);

  // Standard numpy-like indexing and slicing
  tensor = torch.ones(4, 4);
  print('First row: ', tensor.index(0));
  print('First column: ', tensor.index(torch.slice(), 0));
  print('Last column:', tensor.index('...', -1));
  tensor.setitem(torch.slice(), 1, 0);
  print(tensor);

  // Joining tensors
  const t1 = torch.cat([tensor, tensor, tensor], 1);
  print(t1);

  // Arithmetic operations: y1, y2, y3 are the matrix product, z1, z2, z3 the element-wise one
  const y1 = tensor.matmul(tensor.T);
  const y2 = tensor.matmul(tensor.T);

  const y3 = torch.rand_like(tensor);
  y3.copy_(torch.matmul(tensor, tensor.T)); // torch.matmul(tensor, tensor.T, out=y3)

  const z1 = tensor.mul(tensor);
  const z2 = tensor.mul(tensor);

  const z3 = torch.rand_like(tensor);
  z3.copy_(torch.mul(tensor, tensor)); // torch.mul(tensor, tensor, out=z3)
  void [y1, y2, z1, z2];

  // Single-element tensors
  const agg = tensor.sum();
  const agg_item = agg.item();
  print(agg_item, pytype(agg_item));

  // In-place operations
  print(tensor, '\n');
  tensor.add_(5);
  print(tensor);

  // Bridge with NumPy: tensor to NumPy array
  let t = torch.ones(5);
  print(f`t: ${t}`);
  let n = t.numpy();
  print(f`n: ${n}`);

  t.add_(1);
  print(f`t: ${t}`);
  print(f`n: ${n}`);

  // NumPy array to Tensor
  n = new Float64Array(5).fill(1);
  t = torch.from_numpy(n);

  for (let i = 0; i < n.length; i++) n[i] += 1; // np.add(n, 1, out=n)
  print(f`t: ${t}`);
  print(f`n: ${n}`);
}
