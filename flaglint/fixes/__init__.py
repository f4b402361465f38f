"""Fixes for settled flags, made with libcst transformers and checked to parse."""
