/** What to say about anything thrown or rejected: an Error's message, else its text (a thrown string, a rejected non-Error). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
