// A progress bar on stderr: how much of the file was read, and how many comments were read or
// imported. Redrawn at most every 100 ms on a terminal; elsewhere (CI, pipes) one line per
// tenth of the file, and the final line.

const WIDTH = 24;

function megabytes(bytes) {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/**
 * @param {{ label: string, total: number, quiet: boolean, unit?: 'bytes' | 'requests', counting: 'read' | 'imported' }} options
 */
export function createProgress({ label, total, quiet, unit = 'bytes', counting }) {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  let lastTenth = 0;
  const line = (state) => {
    const fraction = total > 0 ? Math.min(1, state.read / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
    const amount = unit === 'bytes' ? `${megabytes(state.read)} / ${megabytes(total)}` : `${state.read} / ${total} requests`;
    const comments = counting === 'read' ? `${(state.ready ?? 0).toLocaleString('en')} comments read` : `${(state.sent ?? 0).toLocaleString('en')} comments imported`;
    return `${label} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}% ${amount} · ${comments}`;
  };
  return {
    update(state) {
      if (quiet) return;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        process.stderr.write(`\r${line(state)}\u001b[K`);
        return;
      }
      const tenth = total > 0 ? Math.floor((state.read / total) * 10) : 0;
      if (tenth <= lastTenth || tenth >= 10) return;
      lastTenth = tenth;
      process.stderr.write(`${line(state)}\n`);
    },
    done(state) {
      if (quiet) return;
      process.stderr.write(tty ? `\r${line(state)}\u001b[K\n` : `${line(state)}\n`);
    },
  };
}
