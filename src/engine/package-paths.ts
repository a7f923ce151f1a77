/**
 * Folders inside this installed package, found from this file's own location so they do not
 * depend on the working directory. They are read-only at run time: nothing the program makes
 * is written here except, for library use, the ONNX conversions (see runtime/onnx/cache.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (dist/src/engine/ is three levels below it). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** This package's `model/` folder, wherever the package is installed; it ships `model/default`. */
export const PACKAGE_MODEL_DIR = path.join(PACKAGE_ROOT, 'model');

/** The shipped default model inside a models folder (`CELEB_MODEL_DIR`): the one answer to "where is the default". */
export const shippedModelDir = (modelDir: string): string => path.resolve(modelDir, 'default');
