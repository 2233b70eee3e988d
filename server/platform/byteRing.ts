/**
 * A ring of text records in one preallocated buffer: pushing a record drops the oldest ones it
 * needs the room (or the slot) of. The request journal keeps its entries here rather than as
 * objects: ten thousand small objects that outlive a request each would be promoted into, and
 * scattered over, the heap's old generation, which then holds several times their size.
 */
export class ByteRing {
  private readonly bytes: Buffer;
  private readonly starts: Uint32Array;
  private readonly lengths: Uint32Array;
  /** Index (into starts/lengths) of the oldest record, and how many there are. */
  private oldest = 0;
  private count = 0;
  /** Where the next record goes. */
  private position = 0;

  constructor(byteSize: number, readonly maxRecords: number) {
    this.bytes = Buffer.alloc(byteSize);
    this.starts = new Uint32Array(maxRecords);
    this.lengths = new Uint32Array(maxRecords);
  }

  /** Adds a record; one longer than the whole ring is not kept. */
  push(text: string): void {
    const length = Buffer.byteLength(text);
    if (length > this.bytes.length || this.maxRecords === 0) return;
    if (this.position + length > this.bytes.length) {
      // Wrapping: the records from here to the end are the oldest; they go first.
      while (this.count > 0 && this.starts[this.oldest] >= this.position) this.dropOldest();
      this.position = 0;
    }
    const end = this.position + length;
    while (this.count > 0 && (this.count === this.maxRecords || this.overlaps(this.oldest, this.position, end))) this.dropOldest();
    this.bytes.write(text, this.position, 'utf8');
    const slot = (this.oldest + this.count) % this.maxRecords;
    this.starts[slot] = this.position;
    this.lengths[slot] = length;
    this.count++;
    this.position = end;
  }

  /** The records, newest first. */
  *newestFirst(): Generator<string> {
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = (this.oldest + i) % this.maxRecords;
      yield this.bytes.toString('utf8', this.starts[slot], this.starts[slot] + this.lengths[slot]);
    }
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.oldest = 0;
    this.count = 0;
    this.position = 0;
  }

  private overlaps(slot: number, from: number, to: number): boolean {
    const start = this.starts[slot];
    return start < to && start + this.lengths[slot] > from;
  }

  private dropOldest(): void {
    this.oldest = (this.oldest + 1) % this.maxRecords;
    this.count--;
  }
}
