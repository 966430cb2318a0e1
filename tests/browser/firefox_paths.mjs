/**
 * Firefox for the user paths: Debian's firefox-esr driven by puppeteer-core over WebDriver
 * BiDi (no geckodriver), in a fresh profile that puppeteer makes and deletes.
 *
 *   node tests/browser/firefox_paths.mjs URL FIREFOX PROXY SPEC_JSON
 *
 * Walks SPEC_JSON's paths as tests/browser/core_paths.py describes them (SPEC_JSON is its
 * SPEC with the paths to walk; the steps here mirror its functions one for one) and prints
 * one JSON line of results in the same shape (engines.run_firefox runs this).
 * Every request to another host goes to PROXY, the test's refusing proxy, which records it.
 * The console (the page's and its workers') is read over BiDi: errors and warnings are kept.
 */
import puppeteer from "puppeteer-core";

const [url, firefox, proxy, specJson] = process.argv.slice(2);
const spec = JSON.parse(specJson);
const [proxyHost, proxyPort] = proxy.split(":");

class PathFailed extends Error {
  name = "PathFailed";
}

const sel = (name) => `[data-testid="${name}"]`;
const seconds = (s) => s * 1000;

async function attr(page, css, name) {
  return page.evaluate((c, n) => document.querySelector(c)?.getAttribute(n) ?? null, css, name);
}

async function describe(page) {
  try {
    return await page.evaluate(() => {
      const q = (t) => document.querySelector(`[data-testid="${t}"]`);
      const p = q("train-progress");
      return (
        `app-status ${q("app-status")?.dataset.state}: ` +
        `"${q("app-status")?.textContent.trim()}"; train-progress step ` +
        `${p?.dataset.step} done ${p?.dataset.done} reason ${p?.dataset.reason}: ` +
        `"${q("progress-text")?.textContent.trim()}"; lab: ` +
        `"${q("lab-status")?.textContent.trim()}"`
      );
    });
  } catch (error) {
    return `the page did not answer: ${error}`;
  }
}

// As core_paths.wait: a console error ends a wait ERROR_GRACE seconds later.
const ERROR_GRACE = 5;
const results = { paths: {}, console_errors: [], warnings: [] };

async function wait(page, expression, timeout, what) {
  const start = performance.now();
  const errorsBefore = results.console_errors.length;
  let errorSeen = null;
  for (;;) {
    try {
      await page.waitForFunction(expression, { timeout: 1000 });
      return;
    } catch {}
    const now = performance.now();
    const errors = results.console_errors.slice(errorsBefore);
    if (errors.length && errorSeen === null) errorSeen = now;
    if (errorSeen !== null && now - errorSeen >= seconds(ERROR_GRACE)) {
      const first = errors[0].trim().split("\n").at(-1);
      const state = await describe(page);
      throw new PathFailed(`${what}: not after a console error (${first}; ${state})`);
    }
    if (now - start >= seconds(timeout)) {
      throw new PathFailed(`${what}: not within ${timeout} s (${await describe(page)})`);
    }
  }
}

const present = (css) => `!!document.querySelector('${css}')`;

async function setFields(page, values) {
  // A locator's fill types into an input and chooses in a select, as a user would.
  for (const [testid, value] of Object.entries(values)) await page.locator(sel(testid)).fill(value);
}

async function waitTrainingDone(page, timeout) {
  await wait(page, present(`${sel("train-progress")}[data-done="true"]`), timeout, "training done");
  return attr(page, sel("train-progress"), "data-reason");
}

async function draw(page, points) {
  const canvas = await page.$(sel("draw-canvas"));
  await canvas.scrollIntoView();
  const box = await canvas.boundingBox();
  const xy = points.map(([x, y]) => [box.x + x * box.width, box.y + y * box.height]);
  await page.mouse.move(...xy[0]);
  await page.mouse.down();
  for (const point of xy.slice(1)) await page.mouse.move(...point, { steps: 2 });
  await page.mouse.up();
}

// As core_paths.warm_reload: once the offline copy keeps a snapshot this browser restores,
// reload; every worker must start from it.
async function warmReload(page, limit) {
  const kept = `${spec.kept_snapshot} !== 'waiting'`;
  await wait(page, kept, spec.timeouts["offline-snapshot"], "a snapshot in the offline copy");
  await page.reload();
  const ready = present(`${sel("app-status")}[data-state="ready"]`);
  await wait(page, ready, limit, "ready after the reload");
  await wait(page, `${spec.starts} !== null`, 10, "the workers' answers on their start");
  const starts = await page.evaluate(spec.starts);
  if (!starts?.length || starts.some((start) => start !== "snapshot")) {
    const how = JSON.stringify(starts);
    throw new PathFailed(`after the reload the workers started ${how}, not from the snapshot`);
  }
}

const steps = {
  async ready(page) {
    await page.goto(url);
    const ready = present(`${sel("app-status")}[data-state="ready"]`);
    await wait(page, ready, spec.timeouts.ready, "ready");
  },
  async "draw-1"(page) {
    await draw(page, spec.stroke);
    const label = `document.querySelector('${sel("prediction")}').dataset.label`;
    await wait(page, `${label} === '1'`, spec.timeouts["draw-1"], "the guess 1");
  },
  async "graph-lab"(page) {
    await page.click('[data-lab-tab="graph"]');
    const drawn = present(`${sel("graph-svg")}[data-ready="true"]`);
    await wait(page, drawn, spec.timeouts["graph-lab"], "the graph drawn");
    for (let i = 0; i < spec.graph_steps_at_most; i++) {
      if (await page.$eval(sel("graph-step-back"), (n) => n.disabled)) break;
      await page.click(sel("graph-step-back"));
    }
    await wait(page, present(`${sel("graph-input-apple")}[data-grad]`), 30, "dL/dapple");
    const total = Number(await attr(page, sel("graph-node-n8"), "data-value"));
    const dapple = Number(await attr(page, sel("graph-input-apple"), "data-grad"));
    if (total !== spec.graph_total || Math.abs(dapple - spec.graph_dapple) > 1e-9) {
      throw new PathFailed(`total ${total}, dL/dapple ${dapple}`);
    }
  },
  async train(page) {
    await setFields(page, spec.train);
    await page.click(sel("train-start"));
    const reason = await waitTrainingDone(page, spec.timeouts.train);
    if (reason !== "finished") {
      throw new PathFailed(`training ended '${reason}' (${await describe(page)})`);
    }
    // A run no better than the model in use waits for the student's choice: use it.
    const asked = (c) => document.querySelector(c)?.hidden === false;
    if (await page.evaluate(asked, sel("model-choice"))) {
      await page.click(sel("model-use-new"));
    }
    const trained = present(`${sel("model-info")}[data-source="trained"]`);
    await wait(page, trained, spec.timeouts["use-new"], "the trained model in use");
  },
  async "reload-keeps-model"(page) {
    await warmReload(page, spec.timeouts["reload-keeps-model"]);
    const source = await attr(page, sel("model-info"), "data-source");
    if (source !== "trained") {
      throw new PathFailed(`after the reload the model is '${source}', not 'trained'`);
    }
  },
  async "next-visit"(page) {
    await warmReload(page, spec.timeouts["next-visit"]);
    return { ready_s: Number(await attr(page, sel("app-status"), "data-ready-ms")) / 1000 };
  },
  async "first-visit"(page) {
    const limit = spec.timeouts["first-visit"];
    const deadline = performance.now() + seconds(limit);
    const left = () => Math.round(Math.max(1000, deadline - performance.now()) / 100) / 10;
    await page.goto(url);
    await page.evaluate(spec.watch_guess); // before any stroke, so before any guess
    const canvas = `document.querySelector('${sel("draw-canvas")}')`;
    await wait(page, `!!${canvas}`, left(), "the drawing canvas");
    // Until the page takes the stroke (its script listens to the canvas).
    for (;;) {
      await draw(page, spec.stroke);
      if (await page.evaluate(`${spec.has_ink}(${canvas})`)) break;
      if (performance.now() > deadline) {
        const state = await describe(page);
        throw new PathFailed(`the canvas took no stroke within ${limit} s (${state})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const drawnMs = await page.evaluate(() => performance.now());
    await wait(page, "!!window.__firstGuess", left(), "the first guess");
    const guess = await page.evaluate(() => window.__firstGuess);
    await wait(page, present(`${sel("app-status")}[data-state="ready"]`), left(), "ready");
    return {
      drawn_s: drawnMs / 1000,
      guess_s: guess.ms / 1000,
      guess_by: guess.by,
      guess_label: guess.label,
      ready_s: Number(await attr(page, sel("app-status"), "data-ready-ms")) / 1000,
    };
  },
  async stop(page) {
    await setFields(page, spec.stop_train);
    await page.click(sel("train-start"));
    const step = `+document.querySelector('${sel("train-progress")}').dataset.step`;
    const after = spec.stop_after_step;
    const limit = spec.timeouts["stop-progress"];
    await wait(page, `${step} > ${after}`, limit, `a run past step ${after}`);
    await page.click(sel("train-stop"));
    const reason = await waitTrainingDone(page, spec.timeouts.stop);
    if (reason !== "stopped") throw new PathFailed(`the run ended '${reason}', not 'stopped'`);
  },
};

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: firefox,
  headless: true,
  // Firefox's own remote settings would call home all along (puppeteer's dummy server for
  // them is ignored by a release build unless this variable allows it).
  env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: "1" },
  extraPrefsFirefox: {
    "services.settings.server": "data:,#remote-settings-dummy/v1",
    "network.proxy.type": 1,
    "network.proxy.http": proxyHost,
    "network.proxy.http_port": Number(proxyPort),
    "network.proxy.ssl": proxyHost,
    "network.proxy.ssl_port": Number(proxyPort),
  },
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  page.on("console", (message) => {
    if (message.type() === "error") results.console_errors.push(message.text());
    else if (message.type() === "warn") results.warnings.push(message.text());
  });
  page.on("pageerror", (error) => results.console_errors.push(`uncaught: ${error}`));
  for (const name of spec.paths) {
    const start = performance.now();
    let outcome;
    try {
      const measured = await steps[name](page);
      outcome = { ok: true, error: "", ...measured };
    } catch (error) {
      outcome = { ok: false, error: `${error.name}: ${error.message}`.slice(0, 2000) };
    }
    outcome.seconds = Math.round((performance.now() - start) / 100) / 10;
    if (name === "reload-keeps-model" && !outcome.ok && !results.paths.train.ok) {
      outcome.error += " (the train path had failed)";
    }
    results.paths[name] = outcome;
    if (name === "ready" && outcome.ok) {
      results.isolated = await page.evaluate(() => crossOriginIsolated);
      results.shared_array_buffer = await page.evaluate(
        () => typeof SharedArrayBuffer === "function",
      );
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(`${JSON.stringify(results)}\n`);
