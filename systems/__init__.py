"""Built-in summariser backends. Each module is imported only when its system is used."""
