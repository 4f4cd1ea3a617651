"""`python -m evalsum ...` is the same as the `evalsum` command."""
from evalsum.cli import main

main()
