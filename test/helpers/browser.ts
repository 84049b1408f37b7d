import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The e2e tests drive the Debian chromium package. When it is missing, the test command installs
 * it (as root, through apt) and says so; when that is impossible it explains why, and the e2e tests fail.
 */
export function ensureChromium(): { path: string | null; problem?: string } {
  if (fs.existsSync(CHROMIUM)) return { path: CHROMIUM };
  console.warn(`\n!! Chromium is not at ${CHROMIUM}; installing the Debian package "chromium" for the browser tests …`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (error) {
    const problem = `Chromium is missing and could not be installed (${(error as Error).message.split('\n')[0]}). Install it with: sudo apt-get install chromium`;
    console.warn(`!! ${problem}\n!! EVERY BROWSER TEST WILL FAIL.\n`);
    return { path: null, problem };
  }
  return fs.existsSync(CHROMIUM) ? { path: CHROMIUM } : { path: null, problem: `apt installed chromium but ${CHROMIUM} is still missing` };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}
