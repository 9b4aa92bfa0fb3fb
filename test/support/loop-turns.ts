/**
 * Event-loop turns the calling thread took while `work` ran: none when it
 * did everything synchronously, at least one when it waited on another
 * thread (a worker, the thread pool) and the loop went on meanwhile.
 */
export async function loopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  const turn = () => {
    if (done) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  try {
    await work();
  } finally {
    done = true;
  }
  return turns;
}
