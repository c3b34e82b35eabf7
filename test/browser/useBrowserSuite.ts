// The setup every browser test file shares: build the web app, start the real demo, launch Chromium
// with one 1440×1000 page that collects uncaught page errors; a failing test leaves a screenshot and
// the tail of the demo's output; everything stops after the file. Call it inside `describe`.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Demo, ensureWebBuild, launchBrowser, screenshotPath, startDemo } from './helpers.ts';

export interface BrowserSuite {
  /** The running demo (available from the first test on). */
  readonly demo: Demo;
  /** The one page the tests drive (available from the first test on). */
  readonly page: Page;
  /** Uncaught errors the page raised, in order. */
  readonly pageErrors: string[];
}

export function useBrowserSuite(): BrowserSuite {
  let demo: Demo | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    demo = await startDemo();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  });

  // A failing step leaves a screenshot of what the page showed, and the demo's output in the log.
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      await page?.screenshot({
        path: screenshotPath(`failed-${task.name.replace(/\W+/g, '-')}`),
        fullPage: true,
      });
      console.error(`--- demo output ---\n${demo?.output().slice(-4000)}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  return {
    get demo() {
      if (!demo) throw new Error('the demo is not running (beforeAll failed or has not run)');
      return demo;
    },
    get page() {
      if (!page) throw new Error('no page (beforeAll failed or has not run)');
      return page;
    },
    pageErrors,
  };
}
