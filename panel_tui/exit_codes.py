"""The exit statuses of panel-tui's commands, in a module of their own so the app can name them
without importing the command line (which imports the app).

Usage and environment errors are 2 (a failed check in a script is 1); Ctrl+C 130 and a reader
that went away (``| head``) 141, as a shell reports a signal.
"""

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
