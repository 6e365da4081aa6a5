// Accounting: every record read is counted once, as good or as bad with its code, per file (and zip
// member) and in total; file errors are counted apart (they are not records).
import type { BadCode, FileErrorCode, ReadItem } from './types.js';

export interface SourceTally {
  file: string;
  member?: string;
  records: number;
  good: number;
  bad: number;
  fileErrors: number;
}

export class ReadTally {
  #records = 0;
  #good = 0;
  #bad = 0;
  #fileErrors = 0;
  readonly #badByCode = new Map<BadCode, number>();
  readonly #fileErrorsByCode = new Map<FileErrorCode, number>();
  readonly #sources = new Map<string, SourceTally>();

  #source(file: string, member: string | undefined): SourceTally {
    const key = member === undefined ? file : `${file}\u0000${member}`;
    let entry = this.#sources.get(key);
    if (entry === undefined) {
      entry = { file, records: 0, good: 0, bad: 0, fileErrors: 0 };
      if (member !== undefined) entry.member = member;
      this.#sources.set(key, entry);
    }
    return entry;
  }

  /** Counts one yielded item (a SkippedRecord is a good record). */
  count(item: ReadItem): void {
    const source = this.#source(item.file, item.member);
    switch (item.kind) {
      case 'record':
      case 'skipped':
        this.#records++;
        this.#good++;
        source.records++;
        source.good++;
        break;
      case 'bad':
        this.#records++;
        this.#bad++;
        source.records++;
        source.bad++;
        this.#badByCode.set(item.code, (this.#badByCode.get(item.code) ?? 0) + 1);
        break;
      case 'file-error':
        this.#fileErrors++;
        source.fileErrors++;
        this.#fileErrorsByCode.set(item.code, (this.#fileErrorsByCode.get(item.code) ?? 0) + 1);
        break;
    }
  }

  /** Records read: good + bad. */
  get records(): number {
    return this.#records;
  }
  get good(): number {
    return this.#good;
  }
  get bad(): number {
    return this.#bad;
  }
  get fileErrors(): number {
    return this.#fileErrors;
  }
  badByCode(): Partial<Record<BadCode, number>> {
    return Object.fromEntries(this.#badByCode) as Partial<Record<BadCode, number>>;
  }
  fileErrorsByCode(): Partial<Record<FileErrorCode, number>> {
    return Object.fromEntries(this.#fileErrorsByCode) as Partial<Record<FileErrorCode, number>>;
  }
  /** Per file, and per zip member, in the order first seen. */
  sources(): SourceTally[] {
    return [...this.#sources.values()].map((s) => ({ ...s }));
  }
}
