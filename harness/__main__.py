"""`python -m evalsum ...` is the same as the `evalsum` command (stop handlers first: see entry)."""
if __name__ == "__main__":  # not when a `spawn` worker imports this module as `__mp_main__`
    from evalsum.entry import main

    main()
