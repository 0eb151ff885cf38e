// Shared by the browser tests: checks a page against axe-core's WCAG 2.1 AA
// rules in light and dark, at desktop and phone width. axe-core is injected
// as a script, so the page's context must bypass CSP (test contexts only).
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The rules run: WCAG 2.0 and 2.1, levels A and AA. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The four looks every page a person sees is checked in. */
export const LOOKS = [
  { name: 'light desktop', colorScheme: 'light', viewport: { width: 1280, height: 800 } },
  { name: 'dark desktop', colorScheme: 'dark', viewport: { width: 1280, height: 800 } },
  { name: 'light phone', colorScheme: 'light', viewport: { width: 375, height: 740 } },
  { name: 'dark phone', colorScheme: 'dark', viewport: { width: 375, height: 740 } },
] as const;

/** One axe violation, shortened to what a failing assertion should show. */
export interface Violation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** Runs axe-core on the page as it is now and returns its WCAG 2.1 AA violations. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: axeSource });
  return page.evaluate(async (tags) => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{
            violations: Array<{
              id: string;
              impact: string | null;
              nodes: Array<{ target: unknown[]; failureSummary?: string }>;
            }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.map(
        (node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`,
      ),
    }));
  }, TAGS);
}

/**
 * Opens `url` in each of the four {@link LOOKS} (a fresh context each, CSP
 * bypassed for the injected script), lets `prepare` bring the page into the
 * state to check, and returns the violations found, by look.
 */
export async function violationsInEveryLook(
  browser: Browser,
  url: string,
  prepare: (page: Page) => Promise<void> = async () => {},
): Promise<Record<string, Violation[]>> {
  const found: Record<string, Violation[]> = {};
  for (const look of LOOKS) {
    const context = await browser.newContext({
      bypassCSP: true,
      colorScheme: look.colorScheme,
      viewport: look.viewport,
    });
    try {
      const page = await context.newPage();
      await page.goto(url);
      await prepare(page);
      found[look.name] = await axeViolations(page);
    } finally {
      await context.close();
    }
  }
  return found;
}
