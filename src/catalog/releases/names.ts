// `'msvcrt combase ucrtbase'` → `['msvcrt.dll', 'combase.dll', 'ucrtbase.dll']`: recorded load
// orders are long, and reading them as one line per order keeps them comparable with the recordings.

export function dlls(order: string): string[] {
  return order
    .trim()
    .split(/\s+/)
    .filter((name) => name.length > 0)
    .map((name) => (/\.(dll|exe|sys)$/i.test(name) ? name : `${name}.dll`));
}

/** cmd's `/c` (run one command and end), however it is spelled: `/C dir`, `/c"whoami"`. */
export const ONE_SHOT_CMD = '(^|\\s)/c(\\s|"|$)';
