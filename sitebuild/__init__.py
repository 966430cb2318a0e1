"""The steps of build.py, one module each; build.py is the one entry point."""
