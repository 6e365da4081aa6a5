// The shape of one Windows release's builtin system (docs/profiles.md, "Catalogs"): what it
// changes against the release it derives from, and what its programs load, as recorded.
import type { CatalogImage, ImportEntry } from './types.js';

export type ReleaseId = 'ws2016' | 'ws2019' | 'win10-1903' | 'win10-2004' | 'ws2022' | 'win11';

/**
 * LoadLibrary calls a program makes after its first thread runs (issue #13, docs/loader.md
 * "Run-time loads"). The first rule whose `when` matches the command line applies.
 */
export interface RuntimeRule {
  /** A case-insensitive regular expression tested on the command line; absent: always. */
  readonly when?: string;
  /** DLL names in call order (each brings its own imports not yet loaded, depth-first). */
  readonly loads: readonly string[];
}

/** What a program of the release loads, as the recordings show it. */
export interface ProgramPlan {
  /**
   * The first loads after kernel32 and KernelBase, in recorded order, that the EXE's import table
   * brings: the EXE's import table is derived so that the loader's depth-first walk over this
   * release's DLL import tables gives exactly this order (checked: `deviations`).
   */
  readonly static: readonly string[];
  readonly runtime?: readonly RuntimeRule[];
  /** Which recording, host and starts this follows. */
  readonly evidence: string;
}

export interface ReleaseDefinition {
  readonly id: ReleaseId;
  /** `Windows 10 2004–22H2`. */
  readonly name: string;
  /** The builds it covers (inclusive). */
  readonly firstBuild: number;
  readonly lastBuild: number;
  /** FileVersion of its inbox files (`10.0.19041.1 (WinBuild.160101.0800)`); ProductVersion is its first part. */
  readonly fileVersion: string;
  /** The release it starts from; the root is the catalog of catalog-user.ts and catalog-kernel.ts. */
  readonly base?: ReleaseId;
  /** Which recordings the release follows, or why it has none. */
  readonly evidence: string;
  /** Import tables that differ from the base release's, by DLL name. */
  readonly dllImports?: Readonly<Record<string, readonly ImportEntry[]>>;
  /** Images the release has that its base lacks (DLLs named only in plans are made automatically). */
  readonly add?: readonly CatalogImage[];
  /** Images the release lacks. */
  readonly remove?: readonly string[];
  /**
   * What any managed (.NET) program loads once its first thread runs: the CLR's own start through
   * mscoree (replaces the base release's). Builtin programs with a plan follow their plan.
   */
  readonly managedStart?: { readonly loads: readonly string[]; readonly evidence: string };
  /** By program file name (lower case): replaces the base release's plan. */
  readonly programs?: Readonly<Record<string, ProgramPlan>>;
}
