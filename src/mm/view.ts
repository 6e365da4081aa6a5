import type { ImageSection } from './section.js';

/** One mapped view of an image section in a process. */
export interface ImageView {
  readonly base: bigint;
  /** Bytes mapped (page-rounded): the whole image or a partial view. */
  readonly viewSize: number;
  readonly section: ImageSection;
  readonly noExecute: boolean;
  /** The map's status: SUCCESS or an informational code. */
  readonly status: number;
}
