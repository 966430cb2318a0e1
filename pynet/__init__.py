"""pynet: the neural-network engine of *Deep Learning from Scratch*, chapters 5 and 6.

The modules keep the book's names (``Affine``, ``Relu``, ``SoftmaxWithLoss``, ``SGD``,
``Adam``, ``MultiLayerNet``, ``Trainer``) so a student can read this code next to the book.
The same code runs on CPython and in the browser on Pyodide.
"""

__version__ = "0.1.0"
