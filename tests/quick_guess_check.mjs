/**
 * Runs the page's quick guess (web/page/quick_guess.py, with its preprocessing
 * web/page/quick_preprocess.py) in MicroPython, the page's own build from node_modules, on
 * RGBA drawings of 280×280: prints JSON, one {label, probs, image} per drawing, for
 * test_quick_guess.py to hold against pynet.
 *
 *     node tests/quick_guess_check.mjs dist/models/default.f32 a.rgba b.rgba ...
 */
import { readFileSync } from "node:fs";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript/micropython.mjs";

const [model, ...drawings] = process.argv.slice(2);
const printed = [];
const mp = await loadMicroPython({ stdout: (line) => printed.push(line) });
for (const module of ["quick_guess.py", "quick_preprocess.py"]) {
  mp.FS.writeFile(`/${module}`, readFileSync(new URL(`../web/page/${module}`, import.meta.url)));
}
mp.FS.writeFile("/model.f32", readFileSync(model));
drawings.forEach((path, i) => mp.FS.writeFile(`/${i}.rgba`, readFileSync(path)));
mp.runPython(`
import json, sys
sys.path.append("/")
import quick_guess
model = quick_guess.QuickModel(open("/model.f32", "rb").read())
results = []
for i in range(${drawings.length}):
    guess = quick_guess.Guess(model, open("/%d.rgba" % i, "rb").read(), 280, 280)
    quick_guess.run(guess.steps())
    results.append(guess.result)
print(json.dumps(results))
`);
console.log(printed.join("\n"));
