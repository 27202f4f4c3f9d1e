"""One module per `quiz` subcommand; each exposes `register(subparsers)`."""
