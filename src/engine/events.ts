/**
 * What the engine reports besides its answers and errors: a network that fell back to a slower
 * runtime, a crashed worker that could not be replaced. The caller passes a log (the bots pass
 * their logger); worker threads send their events to the pool, which calls it.
 */
export interface EngineEvent {
  event: 'backbone.onnx_fallback' | 'detector.onnx_fallback' | 'pool.replacement_failed';
  [field: string]: string | number | boolean | null;
}

export type EngineLog = (event: EngineEvent) => void;

/** The default when no log is passed: one JSON line on stderr. */
export const stderrLog: EngineLog = (event) => void process.stderr.write(`${JSON.stringify(event)}\n`);
