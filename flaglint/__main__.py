from flaglint.cli import run

raise SystemExit(run())
