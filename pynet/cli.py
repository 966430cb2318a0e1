"""``python -m pynet``: train, check gradients, run a chapter 6 experiment, read a digit, or
grade the "write it yourself" exercises."""

import argparse
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from . import experiments, serialize
from .data import load_mnist, subset
from .exercises import (
    EXERCISES,
    TimeLimitExceeded,
    check,
    explain,
    export_solutions,
    parse_solutions,
)
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


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TimeLimitExceeded`` in whatever runs after ``seconds``, where the OS has
    SIGALRM (POSIX, main thread); elsewhere nothing is limited."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise TimeLimitExceeded(seconds)

    try:
        previous = signal.signal(signal.SIGALRM, expire)
    except ValueError:  # not the main thread: signals cannot reach us here
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cmd_exercises_check(args) -> None:
    parts = parse_solutions(args.file.read_text(encoding="utf-8"))
    print(f"{'exercise':<18} {'section':<8} {'result':<7} max error")
    failed = 0
    for part in parts:
        with _time_limit(args.time_limit):
            report = check(part.name, part.source, part.line)
        error = "-" if report["max_error"] is None else f"{report['max_error']:.1e}"
        result = "pass" if report["passed"] else "FAIL"
        print(f"{part.name:<18} {EXERCISES[part.name].section:<8} {result:<7} {error}")
        if report["passed"]:
            continue
        failed += 1
        for entry in report["checks"]:
            if not entry["passed"]:
                print(f"    {explain(entry)}")
        for entry in report["mistakes"]:
            print(f"    mistake: {explain(entry)}")
        if report["error"]:
            print(f"    error: {explain(report['error'])}")
    found = {part.name for part in parts}
    missing = [name for name in EXERCISES if name not in found]
    summary = f"{len(parts) - failed} of {len(parts)} passed"
    print(summary + (f"; not in the file: {', '.join(missing)}" if missing else ""))
    if failed:
        sys.exit(1)


def cmd_exercises_list(args) -> None:
    for exercise in EXERCISES.values():
        extra = "  (beyond the book's text)" if exercise.extra else ""
        print(
            f"{exercise.name:<18} {exercise.section:<8} {exercise.class_name:<20} "
            f"{exercise.title['en']}{extra}"
        )


def cmd_exercises_template(args) -> None:
    text = export_solutions({name: e.skeleton for name, e in EXERCISES.items()})
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text, end="")


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

    exercises = commands.add_parser("exercises", help='the "write it yourself" exercises')
    tasks = exercises.add_subparsers(dest="task", required=True)
    grade = tasks.add_parser("check", help="grade a solutions file; exits 1 if any fails")
    grade.add_argument("file", type=Path, help="a file as 'exercises template' writes it")
    grade.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        help="seconds per exercise before it counts as stuck (POSIX only; 0 = none)",
    )
    grade.set_defaults(run=cmd_exercises_check)
    tasks.add_parser("list", help="name, section and class of every exercise").set_defaults(
        run=cmd_exercises_list
    )
    template = tasks.add_parser("template", help="a solutions file with every skeleton")
    template.add_argument("--out", type=Path, default=None)
    template.set_defaults(run=cmd_exercises_template)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, FileNotFoundError) as exc:
        sys.exit(f"error: {exc}")
