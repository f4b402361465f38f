"""What the engine works out from the facts: reads linked to keys, the flag graph, dead
code, lifecycle and the `--changed-since` scope; services the rules ask for."""
