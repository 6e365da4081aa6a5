/**
 * A wait that can never be satisfied: the real kernel would hang this thread
 * forever. The model reports it instead (SEMANTICS.md §3).
 */
export class Deadlock extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Deadlock';
  }
}
