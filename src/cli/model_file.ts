// The model file (src/io/model_file.ts, also the library's loadModel/saveModel), as the CLI's modules import it.
export * from '../io/model_file.js';
