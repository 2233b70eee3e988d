/**
 * The emulator clock of a data dir: stored in the database (settings row "clock") at every
 * change, so a restart goes on from where the clock was, and it never moves backwards, not
 * even across a restart: --clock-start moves a stored clock forward, never back.
 */
import { Clock, ClockState, clockStateProblem, parseClockStart } from '../core/clock';
import { ConfigError } from '../core/config';
import { CORRUPT_CODE, StartupError } from '../core/startupError';
import type { Store } from './index';

export const CLOCK_SETTING = 'clock';

/** The stored clock, or undefined when there is none; one that reads invalid stops the start. */
function storedClock(store: Store, where: string): ClockState | undefined {
  let state: unknown;
  try {
    state = store.setting<unknown>(CLOCK_SETTING);
  } catch {
    state = 'unreadable JSON';
  }
  if (state === undefined) return undefined;
  const problem = clockStateProblem(state, Date.now());
  if (problem) {
    throw new StartupError(CORRUPT_CODE, `the clock stored in ${where} reads invalid (${problem}); start with a new --data-dir, or restore the data dir from a backup`);
  }
  return state as ClockState;
}

/**
 * The clock an instance runs on: the stored one, moved to --clock-start when that is later;
 * an earlier --clock-start is refused (EINVAL). `where` names the data dir in messages.
 */
export function startClock(clockStart: string | undefined, store: Store, where: string): Clock {
  const clock = new Clock();
  const saved = storedClock(store, where);
  if (saved) clock.restore(saved);
  clock.onChange = (state) => store.setSetting(CLOCK_SETTING, state);
  if (clockStart === undefined) return clock;
  const start = parseClockStart(clockStart);
  if (!start) throw new ConfigError(`--clock-start: '${clockStart}' is not an ISO 8601 instant`);
  if (start.atMs >= clock.nowMs()) {
    clock.setMs(start.atMs, start.frozen);
  } else if (saved) {
    throw new ConfigError(`--clock-start ${clockStart} is before the clock stored in ${where}, which stands at ${clock.iso()}: ` +
      'the clock never moves backwards; omit --clock-start, or start with a new --data-dir');
  } else {
    // A new clock may start in the past: there is nothing it could move back from.
    clock.restore(start.frozen ? { offsetMs: 0, frozenAtMs: start.atMs } : { offsetMs: start.atMs - Date.now() });
    store.setSetting(CLOCK_SETTING, clock.snapshot());
  }
  return clock;
}
