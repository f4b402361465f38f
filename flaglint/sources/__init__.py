"""Where the engine's knowledge comes from: the registry, the git history, the
project's files and the code read from them (a fixpoint with the linker)."""
