"""`python -m harness ...` is the same as the `evalsum` command."""
from harness.cli import main

main()
