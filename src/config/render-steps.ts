/**
 * Rendering in steps: a reload's render at 100,000 routes takes about half
 * a second, and the committer lets the event loop run between steps so
 * that changes arriving meanwhile go to the worker being replaced
 * (Renderer.steps). A step that walks every backend or every map entry in
 * one go held such a change for up to 60 ms; these walk STEP_ITEMS at a
 * time (about a millisecond each).
 */
export const STEP_ITEMS = 4096;

/** A render in steps, run to its end. */
export function drain<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
