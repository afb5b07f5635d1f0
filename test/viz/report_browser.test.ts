// The report in a real browser: headless Chromium (Debian's chromium-headless-shell) driven by
// puppeteer-core. Counts the points and lines Chromium sees in the figures, records every request the
// page makes (none may leave the file), and checks that a screenshot is not blank. Skips, saying why,
// when Chromium is absent, except under CI (CI=true), where .ci/run installs it and a skip would hide a gap.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/cli.js';

interface Counts {
  points: number;
  fitLines: number;
  lossLines: number;
  residualPoints: number;
  bars: number;
  coefficientRows: number;
  fitBox: { width: number; height: number } | null;
}

const CHROMIUM = process.env.AUTOGRAD_CHROMIUM ?? '/usr/bin/chromium-headless-shell';
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const absent = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium-headless-shell, or set AUTOGRAD_CHROMIUM)`;
if (absent !== false && inCi) throw new Error(`CI: ${absent}`);

test('the report in headless Chromium: points and lines drawn, no request, a non-blank screenshot', { skip: absent }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autograd-browser-'));
  const rows = 60;
  writeFileSync(path.join(dir, 'd.csv'), `x,y\n${Array.from({ length: rows }, (_, i) => `${i / 10},${3 * (i / 10) - 1 + ((i * 7) % 5) / 5}`).join('\n')}\n`);
  writeFileSync(path.join(dir, 'd.csv.meta.json'), JSON.stringify({ coef: [[3]], bias: -0.6, feature_names: ['x'], target_names: ['y'] }));
  const run = await runCli(['train', '--data', 'd.csv', '--epochs', '8', '--lr', '0.05', '--val-split', '0.25', '--quiet', '--report', 'r.html'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const url = pathToFileURL(path.join(dir, 'r.html')).href;

  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: 'shell', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1400 });
    const requests: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      requests.push(request.url());
      if (request.url() === url) void request.continue();
      else void request.abort();
    });
    await page.goto(url, { waitUntil: 'networkidle0' });
    assert.deepEqual(requests, [url], 'the page itself and nothing else');

    // browser-side code as text: this project's TypeScript has no DOM types
    const counts = (await page.evaluate(`(() => {
      const count = (figure, selector) => document.querySelectorAll('#' + figure + ' ' + selector).length;
      const box = document.querySelector('#fig-fit svg')?.getBoundingClientRect();
      return {
        points: count('fig-fit', 'g.mark-symbol.role-mark path'),
        fitLines: count('fig-fit', 'g.mark-line.role-mark path'),
        lossLines: count('fig-loss', 'g.mark-line.role-mark path'),
        residualPoints: count('fig-residual-scatter', 'g.mark-symbol.role-mark path'),
        bars: count('fig-residual-histogram', 'g.mark-rect.role-mark path'),
        coefficientRows: document.querySelectorAll('#coefficients tbody tr').length,
        fitBox: box === undefined ? null : { width: box.width, height: box.height },
      };
    })()`)) as Counts;
    assert.equal(counts.points, rows); // every row of the file, training and validation
    assert.equal(counts.fitLines, 3); // learned, true, least squares
    assert.equal(counts.lossLines, 2); // train, validation
    assert.equal(counts.residualPoints, rows);
    assert.ok(counts.bars > 3, `histogram bars: ${counts.bars}`);
    assert.equal(counts.coefficientRows, 3); // weight, bias, loss
    assert.ok(counts.fitBox !== null && counts.fitBox.width > 300 && counts.fitBox.height > 200, JSON.stringify(counts.fitBox));

    const shot = await page.screenshot({ encoding: 'base64', clip: { x: 0, y: 0, width: 800, height: 700 } });
    if (process.env.AUTOGRAD_SCREENSHOT !== undefined) writeFileSync(process.env.AUTOGRAD_SCREENSHOT, Buffer.from(shot, 'base64'));
    // decoded by the browser itself, on a blank page (no request interception there)
    const blank = await browser.newPage();
    const pixels = (await blank.evaluate(`(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${shot}';
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const data = g.getImageData(0, 0, img.width, img.height).data;
      let dark = 0;
      const colours = new Set();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] + data[i + 1] + data[i + 2] < 600) dark++;
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      return { total: data.length / 4, dark, colours: colours.size };
    })()`)) as { total: number; dark: number; colours: number };
    assert.ok(pixels.dark > pixels.total * 0.01, `non-white pixels: ${pixels.dark} of ${pixels.total}`);
    assert.ok(pixels.colours > 20, `colours: ${pixels.colours}`);
  } finally {
    await browser.close();
  }
});
