"""The exercise worker's entry point: the exercises' tasks (exercise_tasks.py). The student's
code runs here, never on the page's thread.

No SIMD kernel, unlike the engine and lab workers: "Use it" trains in float64, which the
kernel does not compute, and a worker ended by a runaway check starts again sooner.
"""

import answers
import exercise_tasks

globals().update(answers.served(exercise_tasks))  # each answers, even when it fails

__export__ = exercise_tasks.__all__
