// TensorFlow.js side of the benchmark: model.fit on the same architecture and batches as
// pynet (dense ReLU layers, softmax, Adam lr 0.001, batch 100), on MNIST from our origin.
"use strict";

let mnistPromise = null;

async function readIdx(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url} (${response.status})`);
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  const ndim = bytes[3];
  return bytes.subarray(4 + 4 * ndim);
}

function mnist() {
  mnistPromise ??= Promise.all([
    readIdx("../data/train-images-idx3-ubyte.gz"),
    readIdx("../data/train-labels-idx1-ubyte.gz"),
  ]);
  return mnistPromise;
}

// ms per step of one model.fit of `steps` batches, for `hidden` layer sizes on `backend`,
// after a warm-up fit of the same batches (the page alternates engines round by round).
window.tfjsBench = async function (backend, hidden, steps) {
  if (backend === "wasm") tf.wasm.setWasmPaths(new URL("./vendor/tfjs/", location.href).href);
  await tf.setBackend(backend);
  await tf.ready();
  const [images, labels] = await mnist();
  const n = steps * 100;
  const x = tf.tidy(() => tf.tensor2d(images.subarray(0, n * 784), [n, 784], "int32").toFloat().div(255));
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels.subarray(0, n), "int32"), 10));
  const model = tf.sequential();
  hidden.forEach((units, i) => model.add(tf.layers.dense(
    i === 0 ? { units, activation: "relu", inputShape: [784] } : { units, activation: "relu" })));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy" });
  const fit = () => model.fit(x, y, { batchSize: 100, epochs: 1, shuffle: false, verbose: 0 });
  await fit();
  const start = performance.now();
  await fit();
  const ms = (performance.now() - start) / steps;
  tf.dispose([x, y]);
  model.dispose();
  const features = backend === "wasm"
    ? { simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"),
        threads: await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT") }
    : {};
  return JSON.stringify({ ms, ...features });
};
