"""``python -m pynet``: train, check gradients, run a chapter 6 experiment, or read a digit."""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from . import experiments, serialize
from .data import load_mnist, subset
from .gradcheck import gradient_check
from .initializers import INIT_NAMES
from .network import ACTIVATIONS, MultiLayerNet
from .optimizers import OPTIMIZERS
from .preprocess import to_mnist
from .trainer import Trainer


def _sizes(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 100,50, got {text!r}") from None


def _init(text: str) -> str | float:
    try:
        return float(text)
    except ValueError:
        return text


def _network_args(parser: argparse.ArgumentParser, hidden: str) -> None:
    parser.add_argument(
        "--hidden",
        type=_sizes,
        default=_sizes(hidden),
        help=f"hidden layer sizes (default {hidden})",
    )
    parser.add_argument("--activation", choices=list(ACTIVATIONS), default="relu")
    parser.add_argument(
        "--init", type=_init, default="he", help=f"{', '.join(INIT_NAMES)} or a std (default he)"
    )
    parser.add_argument("--weight-decay", type=float, default=0.0, help="λ of the L2 penalty")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout ratio; 0 = no dropout")
    parser.add_argument("--batchnorm", action="store_true", help="batch normalization")
    parser.add_argument("--seed", type=int, default=0)


def _network(args, dtype: str = "float32") -> MultiLayerNet:
    return MultiLayerNet(
        784,
        args.hidden,
        10,
        activation=args.activation,
        weight_init_std=args.init,
        weight_decay_lambda=args.weight_decay,
        use_dropout=args.dropout > 0,
        dropout_ratio=args.dropout,
        use_batchnorm=args.batchnorm,
        dtype=dtype,
        seed=args.seed,
    )


def _progress():
    try:
        from tqdm import tqdm
    except ImportError:
        sys.exit("the command line needs tqdm for its progress bar: pip install 'pynet[cli]'")
    return tqdm


def cmd_train(args) -> None:
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=False, path=args.data)
    x_train, t_train = subset(x_train, t_train, args.train_size, args.seed)
    network = _network(args)
    tqdm = _progress()
    params = {"lr": args.lr} if args.lr is not None else {}
    with tqdm(total=args.epochs * -(-len(x_train) // args.batch_size), unit="step") as bar:

        def on_step(info):
            bar.update(1)
            bar.set_postfix(epoch=info.epoch, loss=f"{info.loss:.3f}", refresh=False)

        def on_epoch(info):
            bar.write(
                f"epoch {info.epoch}: loss {info.loss:.4f}  train acc {info.train_acc:.4f}"
                f"  test acc {info.test_acc:.4f}"
            )

        trainer = Trainer(
            network,
            x_train,
            t_train,
            x_test,
            t_test,
            epochs=args.epochs,
            mini_batch_size=args.batch_size,
            optimizer=args.optimizer,
            optimizer_param=params,
            evaluate_sample_num_per_epoch=args.eval_samples,
            seed=args.seed,
            on_step=on_step,
            on_epoch=on_epoch,
        )
        result = trainer.train()
    print(
        f"{result.reason}: {result.message}; test accuracy {result.final_test_acc:.4f} "
        f"in {result.seconds:.1f} s ({1000 * result.seconds / max(result.steps, 1):.2f} ms/step)"
    )
    if args.out:
        serialize.save(
            network,
            args.out,
            test_accuracy=result.final_test_acc,
            epochs=result.epochs,
            optimizer=args.optimizer,
            **params,
        )
        print(f"saved {args.out}")


def cmd_gradcheck(args) -> None:
    (x_train, t_train), _ = load_mnist(path=args.data)
    network = _network(args, dtype="float64")
    errors = gradient_check(network, x_train[: args.samples], t_train[: args.samples])
    for key, error in errors.items():
        print(f"{key:>8}: {error:.3e}")
    worst = max(errors.values())
    print(("OK" if worst < 1e-6 else "CHECK") + f": largest relative error {worst:.3e}")


def cmd_experiment(args) -> None:
    name = args.name
    if name == "paths":
        result = experiments.optimizer_paths()
    elif name == "activations":
        result = experiments.activation_histograms(_init(args.init), args.activation)
    else:
        (x_train, t_train), (x_test, t_test) = load_mnist(normalize=False, path=args.data)
        runs = {
            "optimizers": lambda: experiments.compare_optimizers(
                x_train, t_train, iters=args.iters
            ),
            "inits": lambda: experiments.compare_inits(x_train, t_train, iters=args.iters),
            "batchnorm": lambda: experiments.batchnorm_comparison(x_train, t_train),
            "overfit": lambda: experiments.overfitting(x_train, t_train, x_test, t_test),
            "hyperparams": lambda: experiments.hyperparameter_search(
                x_train, t_train, n_trials=args.trials
            ),
        }
        result = runs[name]()
    text = json.dumps(result, indent=1)
    if args.out:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}")
    else:
        print(text)


def cmd_predict(args) -> None:
    try:
        from PIL import Image
    except ImportError:
        sys.exit("reading images needs Pillow: pip install 'pynet[cli]'")
    network = serialize.load(args.model)
    image = to_mnist(np.asarray(Image.open(args.image).convert("RGBA")))
    scores = network.predict(image.reshape(1, 784))[0]
    probs = np.exp(scores - scores.max())
    probs /= probs.sum()
    for digit in np.argsort(probs)[::-1][:3]:
        print(f"{digit}: {probs[digit]:.1%}")


EXPERIMENTS = ["paths", "activations", "optimizers", "inits", "batchnorm", "overfit", "hyperparams"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pynet", description=__doc__)
    parser.add_argument("--data", type=Path, default=None, help="folder with the MNIST IDX files")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a network on MNIST and save it")
    _network_args(train, "100")
    train.add_argument("--optimizer", choices=list(OPTIMIZERS), default="adam")
    train.add_argument(
        "--lr", type=float, default=None, help="learning rate (default: the optimizer's)"
    )
    train.add_argument("--epochs", type=int, default=10)
    train.add_argument("--batch-size", type=int, default=100)
    train.add_argument("--train-size", type=int, default=60000)
    train.add_argument(
        "--eval-samples", type=int, default=10000, help="samples for per-epoch accuracy"
    )
    train.add_argument("--out", type=Path, default=None, help="save the model here (.npz)")
    train.set_defaults(run=cmd_train)

    check = commands.add_parser("gradcheck", help="compare backprop with numerical gradients")
    _network_args(check, "10,10")
    check.add_argument("--samples", type=int, default=3)
    check.set_defaults(run=cmd_gradcheck)

    experiment = commands.add_parser("experiment", help="run a chapter 6 experiment; prints JSON")
    experiment.add_argument("name", choices=EXPERIMENTS)
    experiment.add_argument(
        "--init", default="1.0", help="for activations: weight std or init name"
    )
    experiment.add_argument("--activation", choices=list(ACTIVATIONS), default="sigmoid")
    experiment.add_argument("--iters", type=int, default=2000)
    experiment.add_argument("--trials", type=int, default=100)
    experiment.add_argument("--out", type=Path, default=None)
    experiment.set_defaults(run=cmd_experiment)

    predict = commands.add_parser("predict", help="read the digit in an image")
    predict.add_argument("image", type=Path)
    predict.add_argument("--model", type=Path, default=Path("dist/models/default.npz"))
    predict.set_defaults(run=cmd_predict)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, FileNotFoundError) as exc:
        sys.exit(f"error: {exc}")
