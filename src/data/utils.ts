// torch.utils.data

export { TensorDataset, DataLoader, gatherRows, type Dataset, type DataLoaderOptions } from './dataset.js';
