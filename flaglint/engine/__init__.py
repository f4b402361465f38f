"""The driver: runs the stages (inputs, facts, links, model, analyses, findings) with the one
cache, and the loops that read more files; and the commands built on it (check, fix,
clean)."""
