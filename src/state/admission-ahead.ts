/**
 * Admission of the routes the sources deliver before they have synced (the
 * first list's pages, as they arrive): the JS thread would otherwise wait
 * for the remaining pages idle, then admit every route at once before the
 * first commit. One `admit` per turn of the event loop, however many
 * batches came in it; none once `stop` was called (the sources synced: the
 * first commit takes in what is left).
 */
export class AdmissionAhead {
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly admit: () => void,
    private readonly defer: (fn: () => void) => void = setImmediate,
  ) {}

  request(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      if (!this.stopped) this.admit();
    });
  }

  stop(): void {
    this.stopped = true;
  }
}
